/**
 * Expiry. Clocks are injected, not mocked: the vault's methods take `now`,
 * so these tests call them inside the Durable Object with a future time.
 * One HTTP test uses a real one-second ticket.
 */
import { describe, expect, it } from 'vitest';
import { env, runInDurableObject } from 'cloudflare:test';
import { openTicket } from '../../worker/http/ticket';
import type { UserVault } from '../../worker/vault/user-vault';
import { SoftAuthenticator } from '../support/soft-authenticator';
import {
  ORIGIN,
  actionState,
  assertion,
  call,
  enrollmentOptions,
  enrollmentTicket,
  expectProblem,
  newUserId,
  pendingApproval,
  postEnrollment,
  ticketRow,
  verify,
} from './harness';

describe('action tickets expire (injected clock)', () => {
  it('verify at expiry is ticket_expired and is not counted; status reports expired', async () => {
    const { ticket, auth, userId } = await pendingApproval({}, { ttl: 120 });
    const valid = await assertion(ticket, auth);
    const { vault, hash } = await openTicket(env, ticket);
    const { expires_at: expiresAt } = await ticketRow(userId, ticket);

    const late = await runInDurableObject(vault, (instance: UserVault) =>
      instance.verifyAction(hash, valid, expiresAt, 'x'),
    );
    expect(late).toEqual({ ok: false, problem: { code: 'ticket_expired' } });
    const muchLater = await runInDurableObject(vault, (instance: UserVault) =>
      instance.verifyAction(hash, valid, expiresAt + 86_400_000, 'x'),
    );
    expect(muchLater).toEqual({ ok: false, problem: { code: 'ticket_expired' } });

    const before = await runInDurableObject(vault, (instance: UserVault) =>
      instance.actionStatus(hash, expiresAt - 1),
    );
    expect(before).toEqual({ ok: true, value: { state: 'pending' } });
    const after = await runInDurableObject(vault, (instance: UserVault) =>
      instance.actionStatus(hash, expiresAt),
    );
    expect(after).toEqual({ ok: true, value: { state: 'expired' } });
    const detailsLate = await runInDurableObject(vault, (instance: UserVault) =>
      instance.actionDetails(hash, expiresAt + 1),
    );
    expect(detailsLate).toMatchObject({ ok: false, problem: { code: 'ticket_expired' } });

    // Nothing was spent: at the real time the same assertion approves.
    expect((await ticketRow(userId, ticket)).failures).toBe(0);
    expect((await verify(ticket, valid)).status).toBe(200);
    // An approved ticket reports approved even after its expiry.
    const approvedLater = await runInDurableObject(vault, (instance: UserVault) =>
      instance.actionStatus(hash, expiresAt + 3_600_000),
    );
    expect(approvedLater).toMatchObject({ ok: true, value: { state: 'approved' } });
  });

  it('expiresAt is the ttl asked for', async () => {
    const t0 = Date.now();
    const { ticket, userId, expiresAt } = await pendingApproval({}, { ttl: 90 });
    const { expires_at: stored } = await ticketRow(userId, ticket);
    // Expiry is rounded up to a whole second: at least the ttl, and exactly expiresAt.
    expect(stored - t0).toBeGreaterThanOrEqual(90_000);
    expect(stored - t0).toBeLessThan(95_000);
    expect(Date.parse(expiresAt)).toBe(stored);
    // Without ttl, TICKET_TTL_SECONDS (300 in tests).
    const d = await pendingApproval();
    expect((await ticketRow(d.userId, d.ticket)).expires_at - t0).toBeGreaterThanOrEqual(300_000);
  });

  it('a burned ticket reports burned, not expired, after its expiry', async () => {
    const { ticket, auth } = await pendingApproval();
    for (let i = 0; i < 5; i++)
      await verify(ticket, await assertion(ticket, auth, { signature: 'flip' }));
    const { vault, hash } = await openTicket(env, ticket);
    const later = await runInDurableObject(vault, (instance: UserVault) =>
      instance.actionStatus(hash, Date.now() + 86_400_000),
    );
    expect(later).toEqual({ ok: true, value: { state: 'burned' } });
  });
});

describe('enrollment tickets expire (injected clock)', () => {
  it('options and registration after expiry are ticket_expired', async () => {
    const userId = newUserId('exp');
    const ticket = await enrollmentTicket(userId);
    const auth = await SoftAuthenticator.create();
    const reg = await auth.register(await enrollmentOptions(ticket), { origin: ORIGIN });
    const { vault, hash } = await openTicket(env, ticket);
    const { expires_at: expiresAt } = await ticketRow(userId, ticket);
    expect(expiresAt - Date.now()).toBeGreaterThan(290_000);

    const late = await runInDurableObject(vault, (instance: UserVault) =>
      instance.enroll(hash, reg, expiresAt),
    );
    expect(late).toEqual({ ok: false, problem: { code: 'ticket_expired' } });
    const options = await runInDurableObject(vault, (instance: UserVault) =>
      instance.enrollmentOptions(hash, expiresAt + 1),
    );
    expect(options).toMatchObject({ ok: false, problem: { code: 'ticket_expired' } });
    // In time, the same registration enrolls.
    expect((await postEnrollment(ticket, reg)).status).toBe(201);
  });
});

describe('a real one-second ticket', () => {
  it('410 ticket_expired on details and verify; status expired', async () => {
    const { ticket, auth, expiresAt } = await pendingApproval({}, { ttl: 1 });
    const valid = await assertion(ticket, auth);
    // Expiry is rounded up to the second: wait until just past the expiresAt the creator was given.
    await new Promise((resolve) => setTimeout(resolve, Date.parse(expiresAt) - Date.now() + 50));
    expectProblem(
      await call('GET', `/v1/actions/${ticket}`, undefined, { auth: false }),
      410,
      'ticket_expired',
    );
    expectProblem(await verify(ticket, valid), 410, 'ticket_expired');
    expect(await actionState(ticket)).toEqual({ state: 'expired' });
  });
});
