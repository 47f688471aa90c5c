/**
 * The counter rule (SPEC "Service hygiene"): a regression locks a credential
 * only for a ticket created after its last accepted use (or, never used,
 * after its enrollment). A host page that holds back one signed assertion
 * and submits it after a later approval gets 422 and a counted attempt; it
 * cannot lock the person's passkey on demand.
 */
import { describe, expect, it } from 'vitest';
import { env, runInDurableObject } from 'cloudflare:test';
import { decodeJwt } from 'jose';
import { ticketHash } from '../../worker/http/ticket';
import {
  actionState,
  assertion,
  credentialsOf,
  enroll,
  expectProblem,
  newUserId,
  nextMillisecond,
  requestAction,
  ticketRow,
  vaultRows,
  verify,
} from './harness';
import { vaultState } from '../../worker/vault/state-seam';

const vaultOf = (userId: string) => env.VAULT.get(env.VAULT.idFromName(userId));

describe('a withheld assertion submitted after a later approval', () => {
  it('is 422 counter_regression, counts as a failed attempt, and the credential stays active', async () => {
    const userId = newUserId('withheld');
    const { auth } = await enroll(userId);
    const t1 = await requestAction(userId);
    const a1 = await assertion(t1.ticket, auth); // counter 1, held back by the page
    await nextMillisecond();
    const t2 = await requestAction(userId);
    const ok = await verify(t2.ticket, await assertion(t2.ticket, auth)); // counter 2
    expect(ok.status).toBe(200);

    expectProblem(await verify(t1.ticket, a1), 422, 'counter_regression');
    expect((await credentialsOf(userId))[0].state).toBe('active');
    expect(await ticketRow(userId, t1.ticket)).toMatchObject({ state: 'pending', failures: 1 });

    // T2's receipt stands, and the next ticket approves.
    expect(await actionState(t2.ticket)).toEqual({ state: 'approved', receipt: ok.body.receipt });
    expect(decodeJwt(ok.body.receipt).sub).toBe(userId);
    await nextMillisecond();
    const t3 = await requestAction(userId);
    expect((await verify(t3.ticket, await assertion(t3.ticket, auth))).status).toBe(200);
    expect((await credentialsOf(userId))[0].state).toBe('active');
  });

  it('posted five times, it burns only its own ticket', async () => {
    const userId = newUserId('withheld5');
    const { auth } = await enroll(userId);
    const t1 = await requestAction(userId);
    const a1 = await assertion(t1.ticket, auth);
    await nextMillisecond();
    const t2 = await requestAction(userId);
    expect((await verify(t2.ticket, await assertion(t2.ticket, auth))).status).toBe(200);
    for (let i = 0; i < 5; i++)
      expectProblem(await verify(t1.ticket, a1), 422, 'counter_regression');
    expectProblem(await verify(t1.ticket, a1), 429, 'rate_limited');
    expect((await credentialsOf(userId))[0].state).toBe('active');
    const t3 = await requestAction(userId);
    expect((await verify(t3.ticket, await assertion(t3.ticket, auth))).status).toBe(200);
  });

  it('a ticket created at the very millisecond of the last use does not lock either', async () => {
    const userId = newUserId('same-ms');
    const { auth } = await enroll(userId);
    const t1 = await requestAction(userId);
    const a1 = await assertion(t1.ticket, auth);
    const t2 = await requestAction(userId);
    expect((await verify(t2.ticket, await assertion(t2.ticket, auth))).status).toBe(200);
    // Make the last use coincide with T1's creation exactly.
    const [ticket] = await vaultRows<{ created_at: number }>(
      userId,
      'SELECT created_at FROM tickets WHERE hash = ?',
      await ticketHash(t1.ticket),
    );
    await runInDurableObject(vaultOf(userId), (_instance, state) => {
      state.storage.sql.exec('UPDATE credentials SET last_used_at = ?', ticket!.created_at);
    });
    expectProblem(await verify(t1.ticket, a1), 422, 'counter_regression');
    expect((await credentialsOf(userId))[0].state).toBe('active');
  });

  it('never used: the enrollment is the moment, and a regression on a later ticket locks', async () => {
    const userId = newUserId('never-used');
    const { auth } = await enroll(userId, { initialCounter: 10 });
    await nextMillisecond();
    const { ticket } = await requestAction(userId);
    expectProblem(
      await verify(ticket, await assertion(ticket, auth, { counter: 5 })),
      422,
      'counter_regression',
    );
    expect((await credentialsOf(userId))[0].state).toBe('locked');
  });
});

describe('a genuine clone still locks', () => {
  it('a fresh ticket signed with a counter that did not increase', async () => {
    const userId = newUserId('clone');
    const { auth } = await enroll(userId);
    const first = await requestAction(userId);
    expect((await verify(first.ticket, await assertion(first.ticket, auth))).status).toBe(200);
    const stored = auth.counter;
    await nextMillisecond();
    const fresh = await requestAction(userId);
    // The copy of the key signs a ticket made after the last use, with the counter it copied.
    expectProblem(
      await verify(fresh.ticket, await assertion(fresh.ticket, auth, { counter: stored })),
      422,
      'counter_regression',
    );
    expect((await credentialsOf(userId))[0].state).toBe('locked');
    const later = await requestAction(userId).catch((err: Error) => err);
    expect(String(later)).toContain('not_enrolled');
  });

  it('the ticket is remembered in memory or read from its row: the same rule either way', async () => {
    // actionDetails keeps the ticket in the object's memory with its creation time; a
    // fresh object reads it from the row. Both carry created_at.
    const userId = newUserId('clone-row');
    const { auth } = await enroll(userId);
    const first = await requestAction(userId);
    expect((await verify(first.ticket, await assertion(first.ticket, auth))).status).toBe(200);
    const stored = auth.counter;
    const older = await requestAction(userId); // before the next use
    const olderAssertion = await assertion(older.ticket, auth, { counter: stored + 1 });
    await nextMillisecond();
    const middle = await requestAction(userId);
    expect(
      (await verify(middle.ticket, await assertion(middle.ticket, auth, { counter: stored + 2 })))
        .status,
    ).toBe(200);
    await runInDurableObject(vaultOf(userId), (instance) => {
      vaultState(instance).pending.clear();
    });
    expectProblem(await verify(older.ticket, olderAssertion), 422, 'counter_regression');
    expect((await credentialsOf(userId))[0].state).toBe('active');
  });
});
