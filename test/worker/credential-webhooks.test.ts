/**
 * Credential events (SPEC "Waiting for an approval"): with
 * CREDENTIAL_WEBHOOK_URL set, every passkey enrolled, revoked or locked is
 * told at once, signed like the action events, so a person can learn that a
 * passkey was added. Set without a good secret, nothing that changes a
 * credential goes ahead: a passkey added where nobody can be told is refused.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { env } from 'cloudflare:test';
import { SoftAuthenticator } from '../support/soft-authenticator';
import {
  ORIGIN,
  assertion,
  call,
  credentialsOf,
  enroll,
  enrollAnother,
  enrollmentOptions,
  enrollmentTicket,
  expectProblem,
  newUserId,
  nextMillisecond,
  postEnrollment,
  requestAction,
  verify,
} from './harness';
import { checkpointSize, deliveriesOf, receiver, untilSent, verified } from './webhook-receiver';

const mutable = env as { CREDENTIAL_WEBHOOK_URL?: string; WEBHOOK_SECRET?: string };
const secret = env.WEBHOOK_SECRET;
let hook = '';
let n = 0;
let restore: (() => void) | undefined;

beforeEach(() => {
  hook = `https://people.example.test/passkeys?n=${++n}`;
  mutable.CREDENTIAL_WEBHOOK_URL = hook;
});
afterEach(() => {
  delete mutable.CREDENTIAL_WEBHOOK_URL;
  mutable.WEBHOOK_SECRET = secret;
  restore?.();
});

function listen() {
  const r = receiver([], hook);
  restore = r.restore;
  return r.sent;
}

describe('credential events', () => {
  it('credential.enrolled for the first passkey (approvedBy "first") and for one an existing passkey approved (its id)', async () => {
    const sent = listen();
    const userId = newUserId('ce');
    const first = await enroll(userId);
    await untilSent(sent, 1, userId, 0);
    const firstId = first.reply.body.credentialId as string;
    expect(verified(sent[0]!)).toEqual({
      type: 'credential.enrolled',
      user: { id: userId },
      credential: {
        id: firstId,
        aaguid: first.reply.body.aaguid,
        deviceBound: first.reply.body.deviceBound,
      },
      approvedBy: 'first',
      checkpoint: expect.any(String),
      at: expect.any(Number),
    });
    expect(await checkpointSize(verified(sent[0]!).checkpoint, userId)).toBe(1);
    // A later passkey is told only once an existing one approves it, never while it is held.
    const second = await enrollAnother(userId, first.auth);
    await untilSent(sent, 2, userId, 0);
    expect(sent).toHaveLength(2);
    expect(verified(sent[1]!)).toMatchObject({
      type: 'credential.enrolled',
      credential: { id: second.reply.body.credentialId },
      approvedBy: firstId,
    });
    for (const s of sent)
      for (const t of [first.ticket, second.ticket])
        expect(JSON.stringify(s)).not.toContain(t.split('.')[1]!);
  });

  it('credential.revoked when an active passkey is revoked (not again for a second revoke)', async () => {
    const sent = listen();
    const userId = newUserId('cr');
    const { reply } = await enroll(userId);
    await untilSent(sent, 1, userId, 0);
    const id = reply.body.credentialId as string;
    expect((await call('DELETE', `/v1/users/${userId}/credentials/${id}`)).status).toBe(204);
    expect((await call('DELETE', `/v1/users/${userId}/credentials/${id}`)).status).toBe(204);
    await untilSent(sent, 2, userId, 0);
    expect(sent.map((s) => verified(s).type)).toEqual([
      'credential.enrolled',
      'credential.revoked',
    ]);
    const revoked = verified(sent[1]!);
    expect(revoked).toEqual({
      type: 'credential.revoked',
      user: { id: userId },
      credential: { id, aaguid: reply.body.aaguid, deviceBound: reply.body.deviceBound },
      checkpoint: expect.any(String),
      at: expect.any(Number),
    });
    expect(await checkpointSize(revoked.checkpoint, userId)).toBe(2);
  });

  it('credential.locked when a counter regression locks a passkey (a likely clone)', async () => {
    const sent = listen();
    const userId = newUserId('cl');
    const { auth, reply } = await enroll(userId);
    const first = await requestAction(userId);
    expect((await verify(first.ticket, await assertion(first.ticket, auth))).status).toBe(200);
    const stored = auth.counter;
    await nextMillisecond();
    const fresh = await requestAction(userId);
    expectProblem(
      await verify(fresh.ticket, await assertion(fresh.ticket, auth, { counter: stored })),
      422,
      'counter_regression',
    );
    expect((await credentialsOf(userId))[0].state).toBe('locked');
    await untilSent(sent, 2, userId, 0);
    expect(verified(sent[1]!)).toMatchObject({
      type: 'credential.locked',
      credential: { id: reply.body.credentialId },
    });
  });

  it('without CREDENTIAL_WEBHOOK_URL nothing is queued', async () => {
    delete mutable.CREDENTIAL_WEBHOOK_URL;
    const userId = newUserId('cn');
    await enroll(userId);
    expect(await deliveriesOf(userId)).toEqual([]);
  });
});

describe('CREDENTIAL_WEBHOOK_URL fails closed', () => {
  it('set without a good WEBHOOK_SECRET: the registration is 500 misconfigured and nothing is enrolled; with the secret back, the same ticket enrolls', async () => {
    const sent = listen();
    delete mutable.WEBHOOK_SECRET;
    const userId = newUserId('cm');
    const ticket = await enrollmentTicket(userId);
    const auth = await SoftAuthenticator.create();
    const registration = await auth.register(await enrollmentOptions(ticket), { origin: ORIGIN });
    expectProblem(await postEnrollment(ticket, registration), 500, 'misconfigured');
    expect(await credentialsOf(userId)).toEqual([]);
    mutable.WEBHOOK_SECRET = secret;
    expect((await postEnrollment(ticket, registration)).status).toBe(201);
    await untilSent(sent, 1, userId, 0);
    expect(verified(sent[0]!).type).toBe('credential.enrolled');
  });

  it('set to anything but https (or loopback http in development) is misconfigured', async () => {
    for (const url of [
      'http://people.example.test/',
      'ftp://people.example.test/',
      'not a url',
      'https://user:pw@people.example.test/',
    ]) {
      mutable.CREDENTIAL_WEBHOOK_URL = url;
      const userId = newUserId('cu');
      const ticket = await enrollmentTicket(userId);
      const registration = await (
        await SoftAuthenticator.create()
      ).register(await enrollmentOptions(ticket), { origin: ORIGIN });
      expectProblem(await postEnrollment(ticket, registration), 500, 'misconfigured');
    }
  });
});
