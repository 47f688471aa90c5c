/** Exactly-once: of any number of concurrent posts for one ticket, one wins and the rest get 409. */
import { describe, expect, it } from 'vitest';
import { env, runInDurableObject } from 'cloudflare:test';
import { openTicket } from '../../worker/http/ticket';
import type { UserVault } from '../../worker/vault/user-vault';
import { SoftAuthenticator } from '../support/soft-authenticator';
import {
  ORIGIN,
  actionState,
  assertion,
  bodyHash,
  call,
  credentialsOf,
  enroll,
  enrollAnother,
  enrollmentOptions,
  enrollmentTicket,
  expectProblem,
  newUserId,
  pendingApproval,
  postEnrollment,
  requestAction,
  vaultRows,
  verify,
} from './harness';

const PARALLEL = 50;

describe('exactly-once approval', () => {
  it(`${PARALLEL} parallel posts of the same valid assertion: one 200, the rest 409 ticket_used`, async () => {
    const { ticket, auth, userId } = await pendingApproval();
    const valid = await assertion(ticket, auth);
    // Through the service binding, as separate requests would arrive.
    const replies = await Promise.all(
      Array.from({ length: PARALLEL }, () =>
        call('POST', `/v1/actions/${ticket}/verify`, valid, { auth: false, via: 'self' }),
      ),
    );

    const ok = replies.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    for (const r of replies) if (r.status !== 200) expectProblem(r, 409, 'ticket_used');
    expect(await actionState(ticket)).toEqual({ state: 'approved', receipt: ok[0]!.body.receipt });

    // The losers neither locked the credential nor moved its counter twice.
    const [cred] = await credentialsOf(userId);
    expect(cred.state).toBe('active');
    expect(cred.lastUsedAt).not.toBeNull();
    const [row] = await vaultRows<{ counter: number }>(userId, 'SELECT counter FROM credentials');
    expect(row?.counter).toBe(auth.counter);
    const next = await requestAction(userId);
    expect((await verify(next.ticket, await assertion(next.ticket, auth))).status).toBe(200);
  });

  it(`${PARALLEL} parallel posts of distinct valid assertions (rising counters): one 200, no lock`, async () => {
    const { ticket, auth, userId } = await pendingApproval();
    const many = [];
    for (let i = 0; i < PARALLEL; i++) many.push(await assertion(ticket, auth));
    // Post in reverse, so lower counters tend to arrive after higher ones.
    const replies = await Promise.all(many.reverse().map((a) => verify(ticket, a)));
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of replies) if (r.status !== 200) expectProblem(r, 409, 'ticket_used');
    expect((await credentialsOf(userId))[0].state).toBe('active');
    const next = await requestAction(userId);
    expect((await verify(next.ticket, await assertion(next.ticket, auth))).status).toBe(200);
  });

  it('two tickets of one user approved concurrently, with distinct counters, both succeed', async () => {
    const userId = newUserId('two');
    const { auth } = await enroll(userId);
    const a = await requestAction(userId);
    const b = await requestAction(userId, { action: { type: 'login.step-up' } });
    const forA = await assertion(a.ticket, auth);
    const forB = await assertion(b.ticket, auth);
    const [ra, rb] = await Promise.all([verify(a.ticket, forA), verify(b.ticket, forB)]);
    // B carries the higher counter, so it always commits. A commits too when it lands first; on a
    // loaded machine B may commit first, and A (older ticket, lower counter) is then a counter
    // regression that locks nothing (the counter rule).
    expect(rb.status).toBe(200);
    if (ra.status === 200) expect(ra.body.receipt).not.toBe(rb.body.receipt);
    else expectProblem(ra, 422, 'counter_regression');
    expect((await credentialsOf(userId))[0].state).toBe('active');
    const [row] = await vaultRows<{ counter: number }>(userId, 'SELECT counter FROM credentials');
    expect(row?.counter).toBe(auth.counter);
  });

  it('tickets of one user approved concurrently by three credentials: all succeed', async () => {
    const userId = newUserId('three');
    const auths: SoftAuthenticator[] = [];
    auths.push((await enroll(userId)).auth);
    for (let i = 0; i < 2; i++) auths.push((await enrollAnother(userId, auths[0]!)).auth);
    const tickets = await Promise.all(auths.map(() => requestAction(userId)));
    const responses = await Promise.all(tickets.map((t, i) => assertion(t.ticket, auths[i]!)));
    const replies = await Promise.all(tickets.map((t, i) => verify(t.ticket, responses[i])));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
    expect((await credentialsOf(userId)).map((c) => c.state)).toEqual([
      'active',
      'active',
      'active',
    ]);
  });

  it('an older assertion that arrives after a newer one was approved is a counter regression, and locks nothing', async () => {
    // One authenticator's approvals may reach the service out of the order it signed them; the
    // late one was made for a ticket older than the last use, so it is not a sign of a clone.
    const userId = newUserId('order');
    const { auth } = await enroll(userId);
    const a = await requestAction(userId);
    const b = await requestAction(userId);
    const older = await assertion(a.ticket, auth);
    const newer = await assertion(b.ticket, auth);
    expect((await verify(b.ticket, newer)).status).toBe(200);
    expectProblem(await verify(a.ticket, older), 422, 'counter_regression');
    expect((await credentialsOf(userId))[0].state).toBe('active');
  });

  // Through HTTP the vault happens to run each request to the end before the next; called
  // directly, many calls interleave at every await, which is what the commit re-check is for.
  it('inside the vault, verifications interleaved at every await: one commits, the rest see ticket_used', async () => {
    const { ticket, auth, userId } = await pendingApproval();
    const valid = await assertion(ticket, auth);
    const { vault, hash } = await openTicket(env, ticket);
    const now = Date.now();
    const accepted = await bodyHash(valid);
    const outcomes = await runInDurableObject(vault, (instance: UserVault) =>
      Promise.all(
        Array.from({ length: 10 }, () => instance.verifyAction(hash, valid, now, accepted)),
      ),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    for (const o of outcomes) if (!o.ok) expect(o.problem.code).toBe('ticket_used');
    expect((await credentialsOf(userId))[0].state).toBe('active');
    expect((await actionState(ticket)).state).toBe('approved');
  });

  it('inside the vault, two tickets approved in interleaved calls with rising counters: both commit', async () => {
    const userId = newUserId('inter');
    const { auth } = await enroll(userId);
    const a = await requestAction(userId);
    const b = await requestAction(userId);
    const forA = await assertion(a.ticket, auth);
    const forB = await assertion(b.ticket, auth);
    const ta = await openTicket(env, a.ticket);
    const tb = await openTicket(env, b.ticket);
    const now = Date.now();
    const outcomes = await runInDurableObject(ta.vault, (instance: UserVault) =>
      Promise.all([
        instance.verifyAction(ta.hash, forA, now, 'a'),
        instance.verifyAction(tb.hash, forB, now, 'b'),
      ]),
    );
    expect(outcomes.map((o) => o.ok)).toEqual([true, true]);
    expect((await credentialsOf(userId))[0].state).toBe('active');
  });

  it('inside the vault, enrollments interleaved at every await: one credential', async () => {
    const userId = newUserId('inter');
    const ticket = await enrollmentTicket(userId);
    const options = await enrollmentOptions(ticket);
    const regs = await Promise.all(
      Array.from({ length: 5 }, async () =>
        (await SoftAuthenticator.create()).register(options, { origin: ORIGIN }),
      ),
    );
    const { vault, hash } = await openTicket(env, ticket);
    const now = Date.now();
    const outcomes = await runInDurableObject(vault, (instance: UserVault) =>
      Promise.all(regs.map((r) => instance.enroll(hash, r, now))),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    for (const o of outcomes) if (!o.ok) expect(o.problem.code).toBe('ticket_used');
    expect(await credentialsOf(userId)).toHaveLength(1);
  });

  it(`${PARALLEL} parallel posts of one registration: one 201, the rest 409 ticket_used`, async () => {
    const userId = newUserId('enr');
    const ticket = await enrollmentTicket(userId);
    const auth = await SoftAuthenticator.create();
    const reg = await auth.register(await enrollmentOptions(ticket), { origin: ORIGIN });
    const replies = await Promise.all(
      Array.from({ length: PARALLEL }, () =>
        call('POST', `/v1/enrollments/${ticket}`, reg, { auth: false, via: 'self' }),
      ),
    );
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of replies) if (r.status !== 201) expectProblem(r, 409, 'ticket_used');
    const creds = await credentialsOf(userId);
    expect(creds).toHaveLength(1);
    expect(creds[0]).toMatchObject({ id: auth.credentialId, state: 'active' });
  });

  it('parallel registrations of different authenticators on one ticket: exactly one enrolls', async () => {
    const userId = newUserId('enr');
    const ticket = await enrollmentTicket(userId);
    const options = await enrollmentOptions(ticket);
    const regs = await Promise.all(
      Array.from({ length: 10 }, async () =>
        (await SoftAuthenticator.create()).register(options, { origin: ORIGIN }),
      ),
    );
    const replies = await Promise.all(regs.map((r) => postEnrollment(ticket, r)));
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of replies) if (r.status !== 201) expectProblem(r, 409, 'ticket_used');
    expect(await credentialsOf(userId)).toHaveLength(1);
  });
});
