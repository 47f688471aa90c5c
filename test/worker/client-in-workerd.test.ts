/**
 * psea/client inside workerd, as a Worker of the host's would run it, its
 * `fetch` being the service's own handler (as a service binding's would be):
 * the runtime loads it (no node:* it lacks), and a waiter with only the
 * status token is woken by the approval that commits while it waits.
 */
import { createExecutionContext, env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import app from '../../worker/index';
import { openTicket } from '../../worker/http/ticket';
import type { UserVault } from '../../worker/vault/user-vault';
import { Webhook } from 'standardwebhooks';
import { PseaClient, PseaError, verifyWebhook } from '../../packages/psea/src/client/index.ts';
import { BASE, WIRE, apiKey, assertion, enroll, newUserId, verify } from './harness';
import { vaultState } from '../../worker/vault/state-seam';

const serviceFetch = ((input: RequestInfo | URL, init?: RequestInit) =>
  app.fetch(new Request(input, init), env, createExecutionContext())) as typeof fetch;

/** Resolve once the ticket's vault holds a status request (as long-poll.test.ts looks). */
async function untilHeld(ticket: string): Promise<void> {
  const { vault } = await openTicket(env, ticket);
  const held = () => runInDurableObject(vault, (v: UserVault) => vaultState(v).waiters.size);
  while ((await held()) < 1) await scheduler.wait(5);
}

describe('psea/client in workerd', () => {
  it('requests an approval, waits with the status token, and is woken by the approval', async () => {
    const psea = new PseaClient({ baseUrl: BASE, apiKey: apiKey(), fetch: serviceFetch });
    const userId = newUserId('client');
    const { auth } = await enroll(userId);
    const { ticket, statusToken, actionHash } = await psea.requestApproval({
      user: { id: userId },
      action: WIRE,
      audience: 'payments-api',
      reference: 'r-7',
    });
    const waiter = new PseaClient({ baseUrl: BASE, fetch: serviceFetch });
    const waiting = waiter.waitForApproval(ticket, { timeoutMs: 15_000, statusToken });
    // Approve only once the waiter is held, so the long-poll is what answers it.
    await untilHeld(ticket);
    const approved = await verify(ticket, await assertion(ticket, auth));
    expect(approved.status).toBe(200);
    expect(await waiting).toEqual({
      state: 'approved',
      receipt: approved.body.receipt,
      reference: 'r-7',
    });
    expect(actionHash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const redeemed = await psea.redeem(approved.body.receipt, 'payments-api');
    expect(redeemed.claims.sub).toBe(userId);
    const again = await psea.redeem(approved.body.receipt, 'payments-api').catch((e: unknown) => e);
    expect(again).toBeInstanceOf(PseaError);
    expect((again as PseaError).code).toBe('receipt_redeemed');
  });

  it('verifyWebhook runs in workerd: a signed delivery is accepted, a tampered one refused', async () => {
    const secret = `whsec_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))}`;
    const body = JSON.stringify({
      type: 'action.burned',
      actionHash: 'h',
      user: { id: 'u' },
      checkpoint: 'c',
      at: 1,
    });
    const signed = (text: string) =>
      new Request('https://rp.example/hook', {
        method: 'POST',
        body: text,
        headers: {
          'webhook-id': 'msg_1',
          'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
          'webhook-signature': new Webhook(secret).sign('msg_1', new Date(), body),
        },
      });
    expect((await verifyWebhook(signed(body), secret)).type).toBe('action.burned');
    const refused = await verifyWebhook(signed(body.replace('burned', 'approved')), secret).catch(
      (e: unknown) => e,
    );
    expect((refused as PseaError).code).toBe('webhook_invalid');
  });
});
