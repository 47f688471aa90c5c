/**
 * A verify answered 503 may have committed (SPEC "Service hygiene"): posted
 * again with the byte-identical body, it gets 409 ticket_used carrying the
 * receipt it missed. Any other body on a used ticket gets a plain 409, so
 * holding the ticket and some other assertion never yields the receipt.
 */
import { describe, expect, it } from 'vitest';
import { env, runInDurableObject } from 'cloudflare:test';
import { openTicket, ticketHash } from '../../worker/http/ticket';
import type { UserVault } from '../../worker/vault/user-vault';
import {
  ORIGIN,
  actionState,
  assertion,
  bodyHash,
  call,
  enroll,
  enrollAnother,
  expectProblem,
  pendingApproval,
  requestAction,
  ticketRow,
  vaultRows,
  verify,
} from './harness';

const post = (ticket: string, raw: string, type = 'application/json') =>
  call('POST', `/v1/actions/${ticket}/verify`, undefined, {
    auth: false,
    raw,
    headers: { 'content-type': type },
  });

describe('verify posted again after it was accepted', () => {
  it('the byte-identical body gets 409 ticket_used with the receipt the first answer carried', async () => {
    const { ticket, auth } = await pendingApproval();
    const raw = JSON.stringify(await assertion(ticket, auth));
    const first = await post(ticket, raw);
    expect(first.status).toBe(200);
    for (const type of ['application/json', 'text/plain;charset=UTF-8']) {
      const again = await post(ticket, raw, type);
      expectProblem(again, 409, 'ticket_used');
      expect(again.body).toEqual({
        type: 'about:blank',
        status: 409,
        title: 'Ticket already used',
        code: 'ticket_used',
        receipt: first.body.receipt,
      });
    }
  });

  it('any other body gets a plain 409: the same assertion re-serialised, another assertion, another credential', async () => {
    const { ticket, auth, userId } = await pendingApproval();
    const signed = await assertion(ticket, auth);
    expect((await verify(ticket, signed)).status).toBe(200);
    const second = (await enrollAnother(userId, auth)).auth;
    const otherTicket = (await requestAction(userId)).ticket;
    const byOther = await second.assert(
      (await call('GET', `/v1/actions/${otherTicket}`, undefined, { auth: false })).body.options,
      { origin: ORIGIN },
    );
    const others = [
      JSON.stringify(signed, null, 1), // same assertion, other bytes
      JSON.stringify({ ...signed, clientExtensionResults: { x: 1 } }),
      JSON.stringify(byOther), // another credential's assertion (for another ticket)
    ];
    for (const raw of others) {
      const r = await post(ticket, raw);
      expectProblem(r, 409, 'ticket_used');
      expect(r.body).not.toHaveProperty('receipt');
      expect(JSON.stringify(r.body)).not.toMatch(/eyJ/);
    }
  });

  it('the replay is no failed attempt, and still answers after the ticket expired', async () => {
    const { ticket, auth, userId } = await pendingApproval();
    const signed = await assertion(ticket, auth);
    const first = await verify(ticket, signed);
    const { vault, hash } = await openTicket(env, ticket);
    const { expires_at: expiresAt } = await ticketRow(userId, ticket);
    const late = await runInDurableObject(vault, (instance: UserVault) =>
      instance.verifyAction(hash, signed, expiresAt + 60_000, 'x'),
    );
    expect(late).toEqual({ ok: false, problem: { code: 'ticket_used' } });
    const lateSame = await runInDurableObject(vault, async (instance: UserVault) =>
      instance.verifyAction(hash, signed, expiresAt + 60_000, await bodyHash(signed)),
    );
    expect(lateSame).toEqual({
      ok: false,
      problem: { code: 'ticket_used', extensions: { receipt: first.body.receipt } },
    });
    expect((await ticketRow(userId, ticket)).failures).toBe(0);
    expect(await actionState(ticket)).toEqual({ state: 'approved', receipt: first.body.receipt });
  });

  it('twins racing inside the vault: one commits, every byte-identical twin is told that receipt, no other', async () => {
    const { ticket, auth } = await pendingApproval();
    const signed = await assertion(ticket, auth);
    const { vault, hash } = await openTicket(env, ticket);
    const accepted = await bodyHash(signed);
    const now = Date.now();
    // Byte-identical twins (the soak's "every verify raced by a twin"), and one other body.
    const hashes = [accepted, accepted, accepted, accepted, accepted, 'other'];
    const outcomes = await runInDurableObject(vault, (instance: UserVault) =>
      Promise.all(hashes.map((h) => instance.verifyAction(hash, signed, now, h))),
    );
    const winner = outcomes.findIndex((o) => o.ok);
    const won = outcomes[winner];
    if (!won?.ok) throw new Error('nobody committed');
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    for (const [i, o] of outcomes.entries()) {
      if (o.ok) continue;
      expect(o.problem.code).toBe('ticket_used');
      // Told the receipt exactly when its body is the winner's.
      expect(o.problem.extensions?.receipt, `call ${i}`).toBe(
        hashes[i] === hashes[winner] ? won.value.receipt : undefined,
      );
    }
    expect(hashes[winner]).toBe(accepted); // calls reach the commit in the order they were made
  });

  it('the accepted body hash is stored with the receipt, in the same row', async () => {
    const { ticket, auth, userId } = await pendingApproval();
    const signed = await assertion(ticket, auth);
    expect((await verify(ticket, signed)).status).toBe(200);
    const [row] = await vaultRows<{ state: string; accepted: string; receipt: string }>(
      userId,
      'SELECT state, accepted, receipt FROM tickets WHERE hash = ?',
      await ticketHash(ticket),
    );
    expect(row).toMatchObject({
      state: 'consumed',
      accepted: await bodyHash(signed),
      receipt: expect.stringMatching(/^eyJ/),
    });
  });
});
