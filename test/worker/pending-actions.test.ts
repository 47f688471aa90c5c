/**
 * The vault's memory of pending action tickets (worker/vault/memory/pending-actions.ts):
 * an approval must come out the same whether the ticket is remembered or read
 * from its row, and a stale memory must never yield a second receipt.
 */
import { describe, expect, it } from 'vitest';
import { env, runInDurableObject } from 'cloudflare:test';
import { decodeJwt } from 'jose';
import { ticketHash } from '../../worker/http/ticket';
import { PendingActions, type PendingAction } from '../../worker/vault/memory/pending-actions';
import {
  actionState,
  assertion,
  expectProblem,
  pendingApproval,
  requestAction,
  ticketRow,
  vaultRows,
  verify,
} from './harness';
import { vaultState } from '../../worker/vault/state-seam';

const entry = (expiresAt: number): PendingAction => ({
  challenge: 'c',
  expiresAt,
  createdAt: 0,
  callback: false,
  statement: { v: 1, iss: 'i', aud: 'a', sub: 's', act: 'h', nonce: 'n' },
  actionHash: 'h',
  actionType: 't',
  rule: { id: 'default', require: {} } as PendingAction['rule'],
});

describe('PendingActions', () => {
  it('keeps at most `max` entries, dropping the oldest', () => {
    const memory = new PendingActions(3);
    for (const h of ['a', 'b', 'c', 'd']) memory.remember(h, entry(1000));
    expect(memory.size).toBe(3);
    expect(memory.recall('a', 0)).toBeUndefined();
    expect(memory.recall('d', 0)?.actionType).toBe('t');
  });

  it('never returns an expired entry, and drops it', () => {
    const memory = new PendingActions();
    memory.remember('a', entry(1000));
    expect(memory.recall('a', 999)).toBeDefined();
    expect(memory.recall('a', 1000)).toBeUndefined();
    expect(memory.size).toBe(0);
  });
});

describe('approval with and without the ticket in memory', () => {
  it('a ticket the object no longer holds is approved from its row, with the same claims', async () => {
    const { userId, auth, ticket } = await pendingApproval();
    const valid = await assertion(ticket, auth);
    // Forty newer tickets push this one out of the object's memory (it keeps 32).
    for (let i = 0; i < 40; i++) await requestAction(userId);
    const fromRow = await verify(ticket, valid);
    expect(fromRow.status).toBe(200);

    const recent = await requestAction(userId);
    const fromMemory = await verify(recent.ticket, await assertion(recent.ticket, auth));
    expect(fromMemory.status).toBe(200);

    const a = decodeJwt(fromRow.body.receipt);
    const b = decodeJwt(fromMemory.body.receipt);
    expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
    for (const claim of ['iss', 'sub', 'aud', 'act', 'act_type', 'pol', 'uv', 'cred'])
      expect(a[claim]).toEqual(b[claim]);
    expect(a.nonce).not.toBe(b.nonce);
  });

  it('a remembered ticket whose row was consumed behind its back still gets 409, and no receipt', async () => {
    const { userId, auth, ticket } = await pendingApproval();
    const valid = await assertion(ticket, auth);
    const hash = await ticketHash(ticket);
    // A write that bypasses the memory: the row alone says consumed.
    await runInDurableObject(env.VAULT.get(env.VAULT.idFromName(userId)), (_vault, state) => {
      state.storage.sql.exec("UPDATE tickets SET state = 'consumed' WHERE hash = ?", hash);
    });
    expectProblem(await verify(ticket, valid), 409, 'ticket_used');
    expect(await actionState(ticket)).toEqual({ state: 'approved' });
    const [cred] = await vaultRows<{ counter: number; last_used_at: number | null }>(
      userId,
      'SELECT counter, last_used_at FROM credentials',
    );
    expect(cred?.last_used_at).toBeNull();
  });

  it('a failed attempt forgets the ticket, so the row decides from then on', async () => {
    const { userId, auth, ticket } = await pendingApproval();
    const hash = await ticketHash(ticket);
    const held = () =>
      runInDurableObject(
        env.VAULT.get(env.VAULT.idFromName(userId)),
        (vault) => vaultState(vault).pending.recall(hash, Date.now()) !== undefined,
      );
    expect(await held()).toBe(true);
    expectProblem(
      await verify(ticket, await assertion(ticket, auth, { challenge: 'wrong' })),
      422,
      'challenge_mismatch',
    );
    expect(await held()).toBe(false);
    expect((await ticketRow(userId, ticket)).failures).toBe(1);
    expect((await verify(ticket, await assertion(ticket, auth))).status).toBe(200);
    expect(await held()).toBe(false);
  });
});
