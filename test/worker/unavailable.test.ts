/**
 * A Durable Object call that fails below the service (SPEC "Service
 * hygiene"): a read with `retryable` (not `overloaded`) is tried once more
 * on a fresh stub; anything else is 503 unavailable with Retry-After, never
 * a generic 500. A write is never retried by the Worker: the client retries,
 * and a verify that did commit answers the retry with its receipt.
 */
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { env, runInDurableObject } from 'cloudflare:test';
import { ProblemError } from '../../worker/errors';
import { callObject } from '../../worker/vault/object-call';
import type { UserVault } from '../../worker/vault/user-vault';
import {
  OTHER_ALLOWED_ORIGIN,
  assertion,
  callApp,
  expectProblem,
  pendingApproval,
  ticketRow,
  type Reply,
} from './harness';

let errors: MockInstance<typeof console.error>;
beforeEach(() => {
  errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => errors.mockRestore());
const logged = (): string => errors.mock.calls.map((args) => args.map(String).join(' ')).join('\n');

const failure = (flags: Record<string, unknown>, message = 'Network connection lost.') =>
  Object.assign(new Error(message), flags);
const retryable = () => failure({ retryable: true });

function expectUnavailable(r: Reply): void {
  expectProblem(r, 503, 'unavailable');
  expect(r.headers.get('retry-after')).toBe('1');
  expect(r.headers.get('x-content-type-options')).toBe('nosniff');
  expect(r.body).toEqual({
    type: 'about:blank',
    status: 503,
    title: 'Service unavailable',
    code: 'unavailable',
    detail: expect.any(String),
  });
}

describe('callObject: the one rule', () => {
  /** A call that fails with `errors` in turn, then succeeds; counts attempts and fresh stubs. */
  function scripted(...errs: unknown[]) {
    let attempts = 0;
    let reopened = 0;
    const run = (read: boolean) =>
      callObject(
        'm',
        read,
        'stub-0',
        () => `stub-${++reopened}`,
        async (stub) => {
          attempts++;
          const err = errs.shift();
          if (err) throw err;
          return `ok on ${stub}`;
        },
      );
    return { run, counts: () => ({ attempts, reopened }) };
  }
  const unavailableError = (p: Promise<unknown>) =>
    expect(p).rejects.toMatchObject({ name: 'ProblemError', code: 'unavailable', status: 503 });

  it('a read that fails with retryable is tried once more, on a fresh stub', async () => {
    const s = scripted(retryable());
    expect(await s.run(true)).toBe('ok on stub-1');
    expect(s.counts()).toEqual({ attempts: 2, reopened: 1 });
  });

  it('a read that fails twice, an overloaded read, a non-retryable runtime failure: 503 after one try each but the first', async () => {
    const twice = scripted(retryable(), retryable());
    await unavailableError(twice.run(true));
    expect(twice.counts()).toEqual({ attempts: 2, reopened: 1 });
    const overloaded = scripted(
      failure({ retryable: true, overloaded: true }, 'Durable Object is overloaded.'),
    );
    await unavailableError(overloaded.run(true));
    expect(overloaded.counts()).toEqual({ attempts: 1, reopened: 0 });
    const reset = scripted(
      failure({ durableObjectReset: true }, 'Durable Object reset because its code was updated.'),
    );
    await unavailableError(reset.run(true));
    expect(reset.counts().attempts).toBe(1);
    expect(logged()).toContain('[psea] unavailable: m failed after 2 attempt(s)');
    expect(logged()).toContain('overloaded=true');
  });

  it('a write is never retried: retryable or not, it is 503', async () => {
    for (const err of [retryable(), failure({ overloaded: true }), failure({})]) {
      const s = scripted(err);
      await unavailableError(s.run(false));
      expect(s.counts()).toEqual({ attempts: 1, reopened: 0 });
    }
  });

  it('our own object code throwing (remote, no runtime flag) stays an error, and so does a ProblemError', async () => {
    const bug = failure({ remote: true }, 'x is not a function');
    await expect(scripted(bug).run(true)).rejects.toBe(bug);
    const problem = new ProblemError('ticket_used');
    await expect(scripted(problem).run(true)).rejects.toBe(problem);
  });
});

/**
 * A vault namespace whose stubs misbehave as `bend` says, standing in for the
 * platform. Everything else is the real vault.
 */
const ids = {
  idFromName: (name: string) => env.VAULT.idFromName(name),
  idFromString: (id: string) => env.VAULT.idFromString(id),
};

function bentVault(
  bend: (
    real: DurableObjectStub<UserVault>,
    n: number,
  ) => Partial<Record<keyof UserVault, unknown>>,
) {
  let n = 0;
  const VAULT = {
    ...ids,
    get: (id: DurableObjectId) => {
      const real = env.VAULT.get(id);
      return { id, ...bend(real, n++) };
    },
  };
  return { VAULT: VAULT as unknown as typeof env.VAULT, stubs: () => n };
}

describe('through the routes', () => {
  it('a read failing once with retryable is answered from the retry; failing twice is 503, never 500', async () => {
    const { ticket } = await pendingApproval();
    const once = bentVault((real, n) => ({
      actionDetails: (...a: Parameters<UserVault['actionDetails']>) =>
        n === 0 ? Promise.reject(retryable()) : real.actionDetails(...a),
    }));
    const ok = await callApp({ VAULT: once.VAULT }, 'GET', `/v1/actions/${ticket}`, undefined, {
      auth: false,
    });
    expect(ok.status).toBe(200);
    expect(once.stubs()).toBe(2);

    const always = bentVault(() => ({
      actionStatus: () => Promise.reject(retryable()),
      listCredentials: () => Promise.reject(retryable()),
      ticketUsable: () => Promise.reject(retryable()),
    }));
    expectUnavailable(
      await callApp({ VAULT: always.VAULT }, 'GET', `/v1/actions/${ticket}/status`),
    );
    expectUnavailable(await callApp({ VAULT: always.VAULT }, 'GET', '/v1/users/u-1/credentials'));
    // On a browser route the widget, on another origin, can read the status and how long to wait.
    const browser = await callApp(
      { VAULT: always.VAULT },
      'POST',
      `/v1/actions/${ticket}/verify`,
      { nope: 1 },
      { auth: false, headers: { origin: OTHER_ALLOWED_ORIGIN } },
    );
    expectUnavailable(browser);
    expect(browser.headers.get('access-control-allow-origin')).toBe(OTHER_ALLOWED_ORIGIN);
    expect(browser.headers.get('access-control-expose-headers')).toBe('Retry-After');
    // A malformed body on a ticket route asks ticketUsable first: 503 too, not a 400 or 500.
    expectUnavailable(
      await callApp(
        { VAULT: always.VAULT },
        'POST',
        `/v1/actions/${ticket}/verify`,
        { nope: 1 },
        { auth: false },
      ),
    );
    expect(logged()).toContain('[psea] unavailable: actionStatus failed after 2 attempt(s)');
    expect(logged()).not.toContain(ticket.split('.')[1]);
  });

  it('writes are 503 at once: enrollments, actions, verify, redeem, revoke', async () => {
    const { ticket, auth, userId } = await pendingApproval();
    let calls = 0;
    const down = () => {
      calls++;
      return Promise.reject(retryable());
    };
    const { VAULT } = bentVault(() => ({
      createEnrollment: down,
      createAction: down,
      verifyAction: down,
      redeem: down,
      revokeCredential: down,
    }));
    const signed = await assertion(ticket, auth);
    const other = await pendingApproval();
    const { receipt } = (
      await callApp(
        {},
        'POST',
        `/v1/actions/${other.ticket}/verify`,
        await assertion(other.ticket, other.auth),
        { auth: false },
      )
    ).body;
    const replies = [
      await callApp({ VAULT }, 'POST', '/v1/receipts/redeem', {
        receipt,
        audience: 'payments-api',
      }),
      await callApp({ VAULT }, 'POST', '/v1/enrollments', { user: { id: userId, name: 'ada' } }),
      await callApp({ VAULT }, 'POST', '/v1/actions', {
        user: { id: userId },
        action: { type: 'x' },
      }),
      await callApp({ VAULT }, 'POST', `/v1/actions/${ticket}/verify`, signed, { auth: false }),
      await callApp({ VAULT }, 'DELETE', `/v1/users/${userId}/credentials/${auth.credentialId}`),
    ];
    for (const r of replies) expectUnavailable(r);
    expect(calls).toBe(5);
    // Nothing was spent: the real vault still approves the same assertion.
    expect(await ticketRow(userId, ticket)).toMatchObject({ state: 'pending', failures: 0 });
    expect(
      (await callApp({}, 'POST', `/v1/actions/${ticket}/verify`, signed, { auth: false })).status,
    ).toBe(200);
    expect(
      (await callApp({}, 'POST', '/v1/receipts/redeem', { receipt, audience: 'payments-api' }))
        .status,
    ).toBe(200);
  });

  it('a verify that committed but whose answer was lost: 503, and the same body again gets the receipt', async () => {
    const { ticket, auth, userId } = await pendingApproval();
    const signed = await assertion(ticket, auth);
    const { VAULT } = bentVault((real) => ({
      verifyAction: async (...a: Parameters<UserVault['verifyAction']>) => {
        await real.verifyAction(...a); // commits
        throw retryable(); // and the connection drops on the way back
      },
    }));
    expectUnavailable(
      await callApp({ VAULT }, 'POST', `/v1/actions/${ticket}/verify`, signed, { auth: false }),
    );
    expect((await ticketRow(userId, ticket)).state).toBe('consumed');
    const retry = await callApp({}, 'POST', `/v1/actions/${ticket}/verify`, signed, {
      auth: false,
    });
    expectProblem(retry, 409, 'ticket_used');
    expect(retry.body.receipt).toMatch(/^eyJ/);
    const status = await callApp({}, 'GET', `/v1/actions/${ticket}/status`);
    expect(status.body).toEqual({ state: 'approved', receipt: retry.body.receipt });
  });
});

describe('a real object failure: a stub whose object was reset', () => {
  it('is what the runtime raises (durableObjectReset), and the route answers 503, then the retry approves', async () => {
    const { ticket, auth, userId } = await pendingApproval();
    const signed = await assertion(ticket, auth);
    const id = env.VAULT.idFromName(userId);
    const broken = env.VAULT.get(id);
    await broken.listCredentials(Date.now());
    await runInDurableObject(broken, (_instance, state) => state.abort('reset for the test')).catch(
      () => undefined,
    );
    const raised = await broken.listCredentials(Date.now()).then(
      () => null,
      (err: unknown) => err,
    );
    expect(raised).toMatchObject({ durableObjectReset: true });

    // The route is handed that broken stub first (as a call in flight would see it), real ones after.
    let n = 0;
    const VAULT = { ...ids, get: (i: DurableObjectId) => (n++ === 0 ? broken : env.VAULT.get(i)) };
    const first = await callApp(
      { VAULT: VAULT as unknown as typeof env.VAULT },
      'POST',
      `/v1/actions/${ticket}/verify`,
      signed,
      { auth: false },
    );
    expectUnavailable(first);
    expect(logged()).toContain('reset=true');
    const retry = await callApp({}, 'POST', `/v1/actions/${ticket}/verify`, signed, {
      auth: false,
    });
    expect(retry.status).toBe(200);
  });
});
