/**
 * The widget retries every 503 with the byte-identical body (widget/api.ts),
 * the registration POST `POST /v1/enrollments/:ticket` included. A
 * registration that committed but whose answer was lost is told, on that
 * retry, what the first answer said: 409 `ticket_used` carrying the 201 body
 * (enrolled) or the 202 body (held for approval), which the widget takes as
 * that answer. Another body gets a bare 409, and learns nothing.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { env } from 'cloudflare:test';
import {
  ORIGIN,
  call,
  callApp,
  credentialsOf,
  enroll,
  enrollmentOptions,
  enrollmentTicket,
  expectProblem,
  newUserId,
} from './harness';
import { SoftAuthenticator } from '../support/soft-authenticator';
import type { UserVault } from '../../worker/vault/user-vault';

beforeEach(() => void vi.spyOn(console, 'error').mockImplementation(() => undefined));
afterEach(() => vi.restoreAllMocks());

const retryable = () => Object.assign(new Error('Network connection lost.'), { retryable: true });

/** A vault whose enroll() commits, then loses its answer on the way back. */
function lossyEnroll() {
  return {
    idFromName: (n: string) => env.VAULT.idFromName(n),
    idFromString: (s: string) => env.VAULT.idFromString(s),
    get: (id: DurableObjectId) => {
      const real = env.VAULT.get(id);
      return new Proxy(real, {
        get: (t, p) =>
          p === 'enroll'
            ? async (...a: Parameters<UserVault['enroll']>) => {
                await (t as unknown as UserVault).enroll(...a);
                throw retryable();
              }
            : (Reflect.get(t, p) as unknown),
      });
    },
  } as unknown as typeof env.VAULT;
}

describe('a registration whose answer was lost to a 503', () => {
  it('the byte-identical retry is told the first answer (409 carrying credentialId)', async () => {
    const userId = newUserId('rev-retry');
    const ticket = await enrollmentTicket(userId);
    const body = await (
      await SoftAuthenticator.create()
    ).register(await enrollmentOptions(ticket), { origin: ORIGIN });
    const first = await callApp(
      { VAULT: lossyEnroll() },
      'POST',
      `/v1/enrollments/${ticket}`,
      body,
      { auth: false },
    );
    expect(first.status).toBe(503);
    const retry = await callApp({}, 'POST', `/v1/enrollments/${ticket}`, body, { auth: false });
    expect(retry.status).toBe(409);
    expect(retry.body).toMatchObject({
      code: 'ticket_used',
      credentialId: body.id,
      deviceBound: expect.any(Boolean),
      backedUp: expect.any(Boolean),
    });
    expect((await credentialsOf(userId)).map((c) => [c.id, c.state])).toEqual([
      [body.id, 'active'],
    ]);
  });

  it('another registration posted to that ticket gets a bare 409: nothing of the first', async () => {
    const userId = newUserId('rev-retry');
    const ticket = await enrollmentTicket(userId);
    const options = await enrollmentOptions(ticket);
    const body = await (await SoftAuthenticator.create()).register(options, { origin: ORIGIN });
    expect(
      (
        await callApp({ VAULT: lossyEnroll() }, 'POST', `/v1/enrollments/${ticket}`, body, {
          auth: false,
        })
      ).status,
    ).toBe(503);
    const other = await (await SoftAuthenticator.create()).register(options, { origin: ORIGIN });
    const r = await callApp({}, 'POST', `/v1/enrollments/${ticket}`, other, { auth: false });
    expectProblem(r, 409, 'ticket_used');
    expect(r.body.credentialId).toBeUndefined();
    // The same JSON with other bytes is another body too.
    const respaced = await call('POST', `/v1/enrollments/${ticket}`, undefined, {
      auth: false,
      raw: JSON.stringify(body, null, 1),
    });
    expectProblem(respaced, 409, 'ticket_used');
    expect(respaced.body.credentialId).toBeUndefined();
  });

  it('a held registration whose 202 was lost: the retry is told the pending passkey and its approval', async () => {
    const userId = newUserId('rev-retry-held');
    const { reply } = await enroll(userId);
    expect(reply.status).toBe(201);
    const ticket = await enrollmentTicket(userId);
    const body = await (
      await SoftAuthenticator.create()
    ).register(await enrollmentOptions(ticket), { origin: ORIGIN });
    expect(
      (
        await callApp({ VAULT: lossyEnroll() }, 'POST', `/v1/enrollments/${ticket}`, body, {
          auth: false,
        })
      ).status,
    ).toBe(503);
    const retry = await callApp({}, 'POST', `/v1/enrollments/${ticket}`, body, { auth: false });
    expectProblem(retry, 409, 'ticket_used');
    expect(retry.body.pending).toMatchObject({ credentialId: body.id });
    expect(retry.body.approval).toMatchObject({
      statement: expect.any(Object),
      options: { challenge: expect.any(String) },
    });
    // The same as the ticket's options say now, so the page can go on to the approval.
    const now = await call('GET', `/v1/enrollments/${ticket}`, undefined, { auth: false });
    expect(retry.body.approval.statement).toEqual(now.body.approval.statement);
    const other = await (
      await SoftAuthenticator.create()
    ).register(await enrollmentOptions(ticket), { origin: ORIGIN });
    const bare = await callApp({}, 'POST', `/v1/enrollments/${ticket}`, other, { auth: false });
    expectProblem(bare, 409, 'ticket_used');
    expect(bare.body.pending).toBeUndefined();
  });
});
