/**
 * Bodies an attacker or a careless client sends that are valid JSON under
 * 64 KiB but were not 4xx before (an audit's findings, each test failing
 * before its fix): nesting deep enough to overflow the copy into the Durable
 * Object, lone surrogates in the statement's fields, an own `__proto__`
 * member of the action, and a body refused before its ticket's state.
 */
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { createExecutionContext, env } from 'cloudflare:test';
import app from '../../worker/index';
import { logPath } from '../../worker/http/log-path';
import { tooDeep } from '../../worker/http/validate';
import { verifyReceipt } from '../../packages/psea/src/receipt/index';
import { sha256B64url } from '../../packages/psea/src/internal/sha256-b64url';
import {
  BASE,
  WIRE,
  assertion,
  call,
  details,
  enroll,
  enrollmentTicket,
  expectProblem,
  newUserId,
  pendingApproval,
  requestAction,
  ticketRow,
  verify,
} from './harness';

const nest = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
/** A raw JSON body, as a client that builds its own text sends it. */
const raw = (method: string, path: string, body: string, auth = true) =>
  call(method, path, undefined, {
    raw: body,
    auth,
    headers: { 'content-type': 'application/json' },
  });
/** An assertion for `ticket` with `deep` spliced into clientExtensionResults. */
async function deepAssertion(
  ticket: string,
  auth: Parameters<typeof assertion>[1],
  deep: string,
): Promise<string> {
  const good = await assertion(ticket, auth);
  return JSON.stringify({ ...good, clientExtensionResults: { x: 0 } }).replace(
    '"x":0',
    `"x":${deep}`,
  );
}

describe('nesting: 400 naming the member, never a 500', () => {
  it('an action nested 4,000 deep (8 KB, under the 16 KiB JCS bound), and objects nested 2,500 deep', async () => {
    const userId = newUserId('deep');
    await enroll(userId);
    for (const deep of [nest(4000), '{"a":'.repeat(2500) + '1' + '}'.repeat(2500)]) {
      const r = await raw(
        'POST',
        '/v1/actions',
        `{"user":{"id":"${userId}"},"action":{"type":"t","x":${deep}}}`,
      );
      expectProblem(r, 400, 'invalid_request');
      expect(r.body.detail).toBe('action: nested deeper than 32 levels');
    }
  });

  it('an action nested as deep as allowed is taken', async () => {
    const userId = newUserId('deep-ok');
    await enroll(userId);
    // The body is level 1, the action 2, its member 3: 29 more arrays reach level 32.
    const r = await raw(
      'POST',
      '/v1/actions',
      `{"user":{"id":"${userId}"},"action":{"type":"t","x":${nest(30)}}}`,
    );
    expect(r.status).toBe(201);
    expectProblem(
      await raw(
        'POST',
        '/v1/actions',
        `{"user":{"id":"${userId}"},"action":{"type":"t","x":${nest(31)}}}`,
      ),
      400,
      'invalid_request',
    );
  });

  it('verify with clientExtensionResults nested 5,000 deep: 400, not counted, and the real assertion still approves', async () => {
    const { userId, ticket, auth } = await pendingApproval();
    const r = await raw(
      'POST',
      `/v1/actions/${ticket}/verify`,
      await deepAssertion(ticket, auth, nest(5000)),
      false,
    );
    expectProblem(r, 400, 'invalid_request');
    expect(r.body.detail).toBe('clientExtensionResults: nested deeper than 32 levels');
    expect((await ticketRow(userId, ticket)).failures).toBe(0);
    expect((await verify(ticket, await assertion(ticket, auth))).status).toBe(200);
  });

  it('enrollment with clientExtensionResults nested 5,000 deep: 400', async () => {
    const ticket = await enrollmentTicket(newUserId('deep-enroll'));
    const body = `{"id":"AA","rawId":"AA","type":"public-key","response":{"clientDataJSON":"AA","attestationObject":"AA"},"clientExtensionResults":{"x":${nest(5000)}}}`;
    const r = await raw('POST', `/v1/enrollments/${ticket}`, body, false);
    expectProblem(r, 400, 'invalid_request');
    expect(r.body.detail).toContain('clientExtensionResults');
  });

  it('tooDeep names the top-level member, counts the body as level 1, and walks 30,000 levels without recursion', () => {
    expect(tooDeep({ a: 1, b: [[1]] }, 3)).toBeUndefined();
    expect(tooDeep({ a: 1, b: [[[1]]] }, 3)).toBe('b');
    expect(tooDeep(JSON.parse(nest(30_000)))).toBe('(body)');
    expect(tooDeep('text', 0)).toBeUndefined();
  });
});

describe('a 500 never logs a ticket', () => {
  let spy: MockInstance;
  beforeEach(() => {
    spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => spy.mockRestore());

  it('the unhandled-error line names the route, with every ticket and id replaced', async () => {
    const { ticket } = await pendingApproval();
    const secret = ticket.split('.')[1]!;
    expect(logPath(`/v1/actions/${ticket}/verify`)).toBe('/v1/actions/:param/verify');
    expect(logPath(`/approve/${ticket}`)).toBe('/approve/:param');
    expect(logPath('/v1/users/u-1/credentials/AAAA')).toBe('/v1/users/:param/credentials/:param');
    // Provoke a real 500: a vault namespace that fails, as a platform fault would.
    const VAULT = {
      idFromString: (id: string) => env.VAULT.idFromString(id),
      get: () => {
        throw new TypeError('platform fault');
      },
    };
    const broken = { ...env, VAULT } as unknown as typeof env;
    const res = await app.fetch(
      new Request(`${BASE}/v1/actions/${ticket}`),
      broken,
      createExecutionContext(),
    );
    expect(res.status).toBe(500);
    const logged = spy.mock.calls.flat().map(String).join('\n');
    expect(logged).toContain('[psea] unhandled GET /v1/actions/:param');
    expect(logged).not.toContain(secret);
  });
});

describe('lone surrogates in the statement: 400, not 500', () => {
  it('user.id and audience on POST /v1/actions, user.id on POST /v1/enrollments', async () => {
    const userId = newUserId('surrogate');
    await enroll(userId);
    const a = await call('POST', '/v1/actions', { user: { id: `${userId}\ud800` }, action: WIRE });
    expectProblem(a, 400, 'invalid_request');
    expect(a.body.detail).toMatch(/^user\.id: .*lone surrogates/);
    const b = await call('POST', '/v1/actions', {
      user: { id: userId },
      action: WIRE,
      audience: 'a\udc00',
    });
    expectProblem(b, 400, 'invalid_request');
    expect(b.body.detail).toMatch(/^audience: /);
    expectProblem(
      await call('POST', '/v1/enrollments', { user: { id: 'e\udfff', name: 'n' } }),
      400,
      'invalid_request',
    );
    // A pair is one character, not a lone half.
    expect(
      (
        await call('POST', '/v1/actions', {
          user: { id: userId },
          action: WIRE,
          audience: 'pay-😀',
        })
      ).status,
    ).toBe(201);
  });
});

describe('the action exactly as sent', () => {
  it('an own "__proto__" member is hashed, shown and signed like any other', async () => {
    const userId = newUserId('proto');
    const { auth } = await enroll(userId);
    const text = '{"type":"wire.transfer","__proto__":{"amount":"999999"},"to":"X"}';
    const sent = JSON.parse(text);
    const created = await raw(
      'POST',
      '/v1/actions',
      `{"user":{"id":"${userId}"},"action":${text},"audience":"payments-api"}`,
    );
    expect(created.status).toBe(201);
    expect(created.body.actionHash).toBe(
      await sha256B64url('{"__proto__":{"amount":"999999"},"to":"X","type":"wire.transfer"}'),
    );
    const d = await details(created.body.ticket);
    expect(Object.keys(d.body.action)).toEqual(['type', '__proto__', 'to']);
    expect(d.body.display.fields).toEqual([
      { label: '__proto__', value: '{"amount":"999999"}' },
      { label: 'to', value: 'X' },
    ]);
    const r = await verify(created.body.ticket, await assertion(created.body.ticket, auth));
    const jwks = (await call('GET', '/.well-known/jwks.json', undefined, { auth: false })).body;
    const { claims } = await verifyReceipt(r.body.receipt, {
      jwks,
      issuer: BASE,
      audience: 'payments-api',
      subject: userId,
      action: sent,
      display: d.body.display,
    });
    expect(claims.act).toBe(created.body.actionHash);
  });

  it('without a display, every field is shown in full: nothing signed is left off the page', async () => {
    const userId = newUserId('display');
    await enroll(userId);
    const action: Record<string, string> = { type: 'wire.transfer' };
    for (let i = 0; i < 55; i++) action[`f${i}`] = `v${i}`;
    action.to = 'DE00 ATTACKER';
    action.note = `${'A'.repeat(1200)} and also send 1,000,000 EUR`;
    const { ticket } = await requestAction(userId, { action, display: undefined });
    const fields = (await details(ticket)).body.display.fields as {
      label: string;
      value: string;
    }[];
    expect(fields).toHaveLength(57);
    expect(fields.at(-2)).toEqual({ label: 'to', value: 'DE00 ATTACKER' });
    expect(fields.at(-1)!.value).toBe(action.note);
  });
});

describe('a ticket that can no longer be used answers before a body that does not parse', () => {
  it('burned: 429 to every post, a malformed one included; a usable ticket still gets the 400, uncounted', async () => {
    const { userId, ticket, auth } = await pendingApproval();
    expectProblem(await verify(ticket, {}), 400, 'invalid_request');
    expect((await ticketRow(userId, ticket)).failures).toBe(0);
    for (let i = 0; i < 5; i++)
      expect(
        (await verify(ticket, await assertion(ticket, auth, { origin: 'https://evil.example' })))
          .status,
      ).toBe(422);
    expectProblem(await verify(ticket, {}), 429, 'rate_limited');
    expectProblem(
      await raw('POST', `/v1/actions/${ticket}/verify`, '{"id":', false),
      429,
      'rate_limited',
    );
    expectProblem(
      await call('POST', `/v1/actions/${ticket}/verify`, undefined, {
        auth: false,
        raw: 'id=1',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      429,
      'rate_limited',
    );
  });

  it('used: 409; unknown or malformed ticket: 404; an enrollment ticket used on the action route: 404', async () => {
    const { ticket, auth } = await pendingApproval();
    expect((await verify(ticket, await assertion(ticket, auth))).status).toBe(200);
    expectProblem(await verify(ticket, {}), 409, 'ticket_used');
    expectProblem(
      await verify(`${ticket.slice(0, 65)}${'A'.repeat(43)}`, {}),
      404,
      'ticket_not_found',
    );
    expectProblem(await verify('nope', {}), 404, 'ticket_not_found');
    const enrollTicket = await enrollmentTicket(newUserId('kind'));
    expectProblem(await verify(enrollTicket, {}), 404, 'ticket_not_found');
  });

  it('expired: 410 on the action route; an enrollment ticket already used: 409 to a malformed registration', async () => {
    const { ticket, expiresAt } = await pendingApproval({}, { ttl: 1 });
    await new Promise((r) => setTimeout(r, Date.parse(expiresAt) - Date.now() + 50));
    expectProblem(await verify(ticket, {}), 410, 'ticket_expired');
    const userId = newUserId('enrolled');
    const { ticket: used } = await enroll(userId);
    expectProblem(
      await call('POST', `/v1/enrollments/${used}`, {}, { auth: false }),
      409,
      'ticket_used',
    );
  });
});
