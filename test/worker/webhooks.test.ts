/**
 * Action webhooks (SPEC "Waiting for an approval"): queued in the commit's
 * transaction, sent from the vault's alarm, signed per Standard Webhooks
 * (checked here with standardwebhooks' Webhook.verify, as a receiver would),
 * retried under the same id, never followed through a redirect, and never
 * in the way of an approval. The receiver is a spy on the vault's fetch.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { env, runInDurableObject } from 'cloudflare:test';
import { RETRY_DELAYS_MS, MAX_TRIES } from '../../worker/webhooks/backoff';
import { EXPIRY_GRACE_MS, expiredUntold } from '../../worker/vault/storage/ticket-hooks';
import { openTicket } from '../../worker/http/ticket';
import { vaultState } from '../../worker/vault/state-seam';
import { assertion, call, expectProblem, pendingApproval, verify } from './harness';
import {
  checkpointSize,
  deliveriesOf,
  nextTry,
  receiver,
  untilSent,
  verified,
} from './webhook-receiver';

let HOOK = '';
let restore: (() => void) | undefined;
let n = 0;
// One receiver URL per test, so a delivery left over from another test is never taken for this one's.
beforeEach(() => {
  HOOK = `https://hooks.example.test/psea?src=test&n=${++n}`;
});
afterEach(() => restore?.());

function listen(answers: (number | 'throw')[] = []) {
  const r = receiver(answers, HOOK);
  restore = r.restore;
  return r.sent;
}

describe('action.approved', () => {
  it('is POSTed once the approval commits, signed per Standard Webhooks, with the receipt and the reference, never the ticket', async () => {
    const sent = listen();
    const { userId, ticket, auth, actionHash, statusToken } = await pendingApproval(
      {},
      { callbackUrl: HOOK, reference: 'order-7' },
    );
    const approved = await verify(ticket, await assertion(ticket, auth));
    expect(approved.status).toBe(200);
    await untilSent(sent, 1, userId, 0);
    expect(sent).toHaveLength(1);
    const [s] = sent;
    expect(s!.url).toBe(HOOK);
    expect(s!.redirect).toBe('manual');
    expect(s!.headers['content-type']).toBe('application/json');
    expect(s!.headers['webhook-id']).toMatch(/^msg_[A-Za-z0-9_-]{22}$/);
    expect(s!.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    const event = verified(s!);
    expect(event).toEqual({
      type: 'action.approved',
      actionHash,
      user: { id: userId },
      reference: 'order-7',
      receipt: approved.body.receipt,
      checkpoint: expect.any(String),
      at: expect.any(Number),
    });
    // The user's log after the event: enrolled, approved.
    expect(await checkpointSize(event.checkpoint, userId)).toBe(2);
    expect(Math.abs(event.at - Date.now() / 1000)).toBeLessThan(600);
    const everything = JSON.stringify(s);
    for (const secret of [ticket, ticket.split('.')[1]!, statusToken])
      expect(everything).not.toContain(secret);
  });

  it('a tampered body or a foreign secret does not verify', async () => {
    const sent = listen();
    const { userId, ticket, auth } = await pendingApproval({}, { callbackUrl: HOOK });
    await verify(ticket, await assertion(ticket, auth));
    await untilSent(sent, 1, userId, 0);
    const s = sent[0]!;
    expect(() =>
      verified({ ...s, body: s.body.replace('action.approved', 'action.burned') }),
    ).toThrow();
    expect(() =>
      verified({ ...s, headers: { ...s.headers, 'webhook-id': 'msg_other' } }),
    ).toThrow();
    const { Webhook } = await import('standardwebhooks');
    expect(() =>
      new Webhook(`whsec_${btoa('another secret of 24 bytes!')}`).verify(s.body, s.headers),
    ).toThrow();
  });

  it('a receiver that fails three times gets retries under the same id, each signed with its own timestamp, then success', async () => {
    const sent = listen([500, 'throw', 503]);
    const { userId, ticket, auth } = await pendingApproval({}, { callbackUrl: HOOK });
    await verify(ticket, await assertion(ticket, auth));
    await untilSent(sent, 1, userId, 1);
    const schedule: number[] = [];
    for (let tries = 1; (await deliveriesOf(userId)).length > 0; tries++) {
      const [row] = await deliveriesOf(userId);
      expect(row!.attempts).toBe(tries);
      schedule.push(row!.next_at);
      await nextTry(userId);
      await untilSent(sent, tries + 1, userId);
    }
    expect(sent).toHaveLength(4);
    expect(new Set(sent.map((s) => s.headers['webhook-id'])).size).toBe(1);
    // Each try verifies on its own: its signature covers its own webhook-timestamp, the time it was sent.
    for (const s of sent) {
      expect(verified(s).type).toBe('action.approved');
      expect(Math.abs(Number(s.headers['webhook-timestamp']) - s.at / 1000)).toBeLessThanOrEqual(1);
    }
    expect(new Set(sent.map((s) => s.body)).size).toBe(1);
    expect(schedule).toHaveLength(3);
  });

  it('is tried at least five times over at least an hour, then dropped with a log line naming only its id and origin', async () => {
    expect(MAX_TRIES).toBeGreaterThanOrEqual(5);
    expect(
      RETRY_DELAYS_MS.slice(0, MAX_TRIES - 1).reduce((a, b) => a + b, 0),
    ).toBeGreaterThanOrEqual(3_600_000);
    const sent = listen(Array(MAX_TRIES).fill(500));
    const { userId, ticket, auth } = await pendingApproval({}, { callbackUrl: HOOK });
    await verify(ticket, await assertion(ticket, auth));
    await untilSent(sent, 1, userId, 1);
    const errors: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args.join(' '));
    try {
      for (let tries = 1; tries < MAX_TRIES; tries++) {
        const [before] = await deliveriesOf(userId);
        // The wait before the next try is the backoff's, from the failed try.
        expect(before!.next_at - Date.now()).toBeLessThanOrEqual(RETRY_DELAYS_MS[tries - 1]!);
        expect(before!.next_at - Date.now()).toBeGreaterThan(RETRY_DELAYS_MS[tries - 1]! - 60_000);
        await nextTry(userId);
        await untilSent(sent, tries + 1, userId);
      }
      await untilSent(sent, MAX_TRIES, userId, 0);
    } finally {
      console.error = original;
    }
    expect(sent).toHaveLength(MAX_TRIES);
    const line = errors.find((e) => e.includes('dropped'));
    expect(line).toContain(sent[0]!.headers['webhook-id']);
    expect(line).toContain('https://hooks.example.test');
    expect(line).not.toContain('src=test');
  });

  it('a redirect is not followed: it is a failed try, kept for the next', async () => {
    const sent = listen([302]);
    const { userId, ticket, auth } = await pendingApproval({}, { callbackUrl: HOOK });
    await verify(ticket, await assertion(ticket, auth));
    await untilSent(sent, 1, userId, 1);
    expect(sent).toHaveLength(1);
    expect((await deliveriesOf(userId))[0]!.attempts).toBe(1);
    await nextTry(userId);
    await untilSent(sent, 2, userId, 0);
    expect(sent.map((s) => s.url)).toEqual([HOOK, HOOK]);
  });

  it("a receiver's failure never blocks or undoes the approval", async () => {
    const sent = listen(['throw']);
    const { userId, ticket, auth } = await pendingApproval({}, { callbackUrl: HOOK });
    const approved = await verify(ticket, await assertion(ticket, auth));
    expect(approved.status).toBe(200);
    await untilSent(sent, 1, userId, 1);
    expect((await call('GET', `/v1/actions/${ticket}/status`)).body).toEqual({
      state: 'approved',
      receipt: approved.body.receipt,
    });
  });

  it('is queued when the vault no longer holds the ticket in memory (its row says it has a callbackUrl)', async () => {
    const sent = listen();
    const { userId, ticket, auth } = await pendingApproval({}, { callbackUrl: HOOK });
    // As after an eviction: the approval reads the ticket's row, callbackUrl included.
    await runInDurableObject(env.VAULT.get(env.VAULT.idFromName(userId)), (vault) =>
      vaultState(vault).pending.clear(),
    );
    expect((await verify(ticket, await assertion(ticket, auth))).status).toBe(200);
    await untilSent(sent, 1, userId, 0);
    expect(verified(sent[0]!).type).toBe('action.approved');
  });

  it('an action without a callbackUrl queues nothing', async () => {
    const sent = listen();
    const { userId, ticket, auth } = await pendingApproval();
    expect((await verify(ticket, await assertion(ticket, auth))).status).toBe(200);
    expect(await deliveriesOf(userId)).toEqual([]);
    expect(sent).toEqual([]);
  });
});

describe('action.burned and action.expired', () => {
  it('the fifth failed attempt sends action.burned once, without a receipt', async () => {
    const sent = listen();
    const { userId, ticket, auth, actionHash } = await pendingApproval(
      {},
      { callbackUrl: HOOK, reference: 'b-1' },
    );
    const bad = await assertion(ticket, auth, { signature: 'flip' });
    for (let i = 0; i < 5; i++) expectProblem(await verify(ticket, bad), 422, 'signature_invalid');
    expectProblem(await verify(ticket, bad), 429, 'rate_limited');
    await untilSent(sent, 1, userId, 0);
    expect(sent).toHaveLength(1);
    const event = verified(sent[0]!);
    expect(event).toEqual({
      type: 'action.burned',
      actionHash,
      user: { id: userId },
      reference: 'b-1',
      checkpoint: expect.any(String),
      at: expect.any(Number),
    });
    // enrolled, failed (the first failure), burned.
    expect(await checkpointSize(event.checkpoint, userId)).toBe(3);
  });

  it('an expiry is decided only after a grace, so a verify that began before it can still commit and be told approved', async () => {
    listen();
    const { ticket, expiresAt } = await pendingApproval({}, { callbackUrl: HOOK, ttl: 60 });
    const { vault } = await openTicket(env, ticket);
    const expiry = Date.parse(expiresAt);
    const untold = (at: number) =>
      runInDurableObject(vault, (_i, state) => expiredUntold(state.storage.sql, at).length);
    expect(await untold(expiry)).toBe(0);
    expect(await untold(expiry + EXPIRY_GRACE_MS - 1)).toBe(0);
    expect(await untold(expiry + EXPIRY_GRACE_MS)).toBe(1);
    expect(EXPIRY_GRACE_MS).toBeLessThan(60_000);
  });

  it('the expiry is told by the alarm soon after the expiry, with nobody polling', async () => {
    const sent = listen();
    const { userId, actionHash, expiresAt } = await pendingApproval(
      {},
      { callbackUrl: HOOK, ttl: 1 },
    );
    await untilSent(sent, 1, userId, 0);
    const event = verified(sent[0]!);
    expect(event).toEqual({
      type: 'action.expired',
      actionHash,
      user: { id: userId },
      checkpoint: expect.any(String),
      at: Date.parse(expiresAt) / 1000,
    });
    expect(await checkpointSize(event.checkpoint, userId)).toBe(1);
  });

  it('an approved ticket is never told as expired: once its approval is delivered, the alarm has nothing left', async () => {
    const sent = listen();
    const { userId, ticket, auth, expiresAt } = await pendingApproval(
      {},
      { callbackUrl: HOOK, ttl: 60 },
    );
    await verify(ticket, await assertion(ticket, auth));
    await untilSent(sent, 1, userId, 0);
    const vault = env.VAULT.get(env.VAULT.idFromName(userId));
    const left = await runInDurableObject(vault, async (_i, state) => ({
      alarm: await state.storage.getAlarm(),
      untold: expiredUntold(state.storage.sql, Date.parse(expiresAt) + 3_600_000).length,
    }));
    expect(left).toEqual({ alarm: null, untold: 0 });
    expect(sent.map((s) => verified(s).type)).toEqual(['action.approved']);
  });
});
