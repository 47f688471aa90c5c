/**
 * `GET /v1/actions/:ticket/status?wait=S` (SPEC "Waiting for an approval"):
 * held in the user's Durable Object and woken by the commit that ends the
 * ticket, never by polling. A woken wait answers long before its S seconds:
 * these waits (30 s and more) are beyond the test timeout, so a waiter that
 * was not woken fails the test rather than answering late.
 */
import { describe, expect, it } from 'vitest';
import { env, runInDurableObject } from 'cloudflare:test';
import { openTicket } from '../../worker/http/ticket';
import type { UserVault } from '../../worker/vault/user-vault';
import { assertion, call, expectProblem, pendingApproval, verify } from './harness';
import { vaultState } from '../../worker/vault/state-seam';

const status = (ticket: string, wait: string | number, auth?: string) =>
  call('GET', `/v1/actions/${ticket}/status?wait=${wait}`, undefined, auth ? { auth } : {});

/** How many status requests the ticket's vault holds right now. */
async function held(ticket: string): Promise<number> {
  const { vault } = await openTicket(env, ticket);
  return runInDurableObject(vault, (instance: UserVault) => vaultState(instance).waiters.size);
}

/** Resolve once the vault holds `n` waiters: the approval must come after they wait, or nothing is woken. */
async function untilHeld(ticket: string, n: number): Promise<void> {
  while ((await held(ticket)) < n) await scheduler.wait(5);
}

describe('long-poll status', () => {
  it('answers approved, with the receipt, as soon as the approval commits', async () => {
    const { ticket, auth } = await pendingApproval({}, { reference: 'order-42' });
    const waiting = status(ticket, 60);
    await untilHeld(ticket, 1);
    const approved = await verify(ticket, await assertion(ticket, auth));
    expect(approved.status).toBe(200);
    const answer = await waiting;
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      state: 'approved',
      receipt: approved.body.receipt,
      reference: 'order-42',
    });
    expect(await held(ticket)).toBe(0);
  });

  it('answers pending after the wait when nothing happens, and holds nothing after', async () => {
    const { ticket } = await pendingApproval();
    const t0 = Date.now();
    const answer = await status(ticket, 1);
    expect(answer.body).toEqual({ state: 'pending' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    expect(await held(ticket)).toBe(0);
  });

  it('200 concurrent waiters on one ticket are all woken by its one approval', async () => {
    const { ticket, auth } = await pendingApproval();
    const waiting = Array.from({ length: 200 }, () => status(ticket, 60));
    await untilHeld(ticket, 200);
    const approved = await verify(ticket, await assertion(ticket, auth));
    const answers = await Promise.all(waiting);
    for (const a of answers)
      expect(a.body).toEqual({ state: 'approved', receipt: approved.body.receipt });
    expect(await held(ticket)).toBe(0);
  });

  it('is woken by the fifth failed attempt: burned', async () => {
    const { ticket, auth } = await pendingApproval();
    const waiting = status(ticket, 60);
    await untilHeld(ticket, 1);
    // Four failures leave the ticket pending: the waiter stays.
    for (let i = 0; i < 4; i++)
      expectProblem(
        await verify(ticket, await assertion(ticket, auth, { signature: 'flip' })),
        422,
        'signature_invalid',
      );
    expect(await held(ticket)).toBe(1);
    expectProblem(
      await verify(ticket, await assertion(ticket, auth, { signature: 'flip' })),
      422,
      'signature_invalid',
    );
    expect((await waiting).body).toEqual({ state: 'burned' });
  });

  it("answers expired at the ticket's expiry, not at the end of the wait", async () => {
    const { ticket } = await pendingApproval({}, { ttl: 1 });
    expect((await status(ticket, 60)).body).toEqual({ state: 'expired' });
  });

  it('answers at once when the ticket is no longer pending, and with wait=0 (the default)', async () => {
    const { ticket, auth } = await pendingApproval({}, { reference: 'r' });
    expect((await status(ticket, 0)).body).toEqual({ state: 'pending', reference: 'r' });
    expect((await call('GET', `/v1/actions/${ticket}/status`)).body).toEqual({
      state: 'pending',
      reference: 'r',
    });
    const approved = await verify(ticket, await assertion(ticket, auth));
    expect((await status(ticket, 60)).body).toEqual({
      state: 'approved',
      receipt: approved.body.receipt,
      reference: 'r',
    });
  });

  it('refuses a wait outside 0..60 whole seconds with 400, before touching the ticket', async () => {
    const { ticket } = await pendingApproval();
    for (const bad of ['-1', '61', '1.5', '1e1', 'abc', '', '%20', '0x10', '100', '60&wait=1']) {
      expectProblem(await status(ticket, bad), 400, 'invalid_request');
    }
    // On an unknown ticket too: the parameter is judged first.
    expectProblem(await status(`${'a'.repeat(64)}.${'b'.repeat(43)}`, 99), 400, 'invalid_request');
  });
});
