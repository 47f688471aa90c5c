/**
 * An agent waits for a human, end to end against the real `wrangler dev`:
 * the agent holds only the statusToken and long-polls; the person approves
 * on the hosted page with a real (virtual) passkey; a real loopback receiver
 * gets the webhook from the vault's alarm, refuses the first try, gets the
 * retry under the same id, and verifies it with standardwebhooks.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyReceipt } from '../../packages/psea/src/receipt/index.ts';
import {
  TRANSFER,
  actionButton,
  ctx,
  enrolledDevice,
  launch,
  server,
  waitForState,
} from './helpers';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A webhook receiver on loopback: answers `answers` in turn, then 204. */
async function receiver(
  answers: number[],
): Promise<{ url: string; got: Received[]; close: () => Promise<void> }> {
  const got: Received[] = [];
  const srv: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(answers.shift() ?? 204).end();
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/psea-hook`,
    got,
    close: () => new Promise((r) => srv.close(() => r())),
  };
}

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('agents and second devices', () => {
  it('a long poll with only the statusToken answers the approval; the webhook is retried under one id and verifies', async () => {
    const hook = await receiver([503]);
    try {
      const { page, user } = await enrolledDevice(browser);
      const created = await server<{
        ticket: string;
        approveUrl: string;
        actionHash: string;
        statusToken: string;
      }>('/v1/actions', {
        user: { id: user },
        action: TRANSFER,
        audience: 'payments-api',
        reference: 'agent-run-1',
        callbackUrl: hook.url,
      });
      expect(created.status).toBe(201);
      const { ticket, approveUrl, actionHash, statusToken } = created.data;

      // The agent: no API key, just its token, waiting up to 60 s.
      const waiting = fetch(`${ctx.service}/v1/actions/${ticket}/status?wait=60`, {
        headers: { authorization: `Bearer ${statusToken}` },
      });
      await page.goto(approveUrl);
      await waitForState(page, 'psea-approve', 'ready');
      await actionButton(page, 'psea-approve').click();
      await waitForState(page, 'psea-approve', 'done');
      const answer = await waiting;
      expect(answer.status).toBe(200);
      const status = (await answer.json()) as { state: string; receipt: string; reference: string };
      expect(status).toMatchObject({ state: 'approved', reference: 'agent-run-1' });
      const jwks = await (await fetch(`${ctx.service}/.well-known/jwks.json`)).json();
      const { claims } = await verifyReceipt(status.receipt, {
        jwks,
        issuer: ctx.service,
        audience: 'payments-api',
        subject: user,
        action: TRANSFER,
      });
      expect(claims.act).toBe(actionHash);

      // The receiver: a 503 first, then the alarm's retry (5 s later) with the same id.
      await expect.poll(() => hook.got.length, { timeout: 30_000, interval: 200 }).toBe(2);
      const [first, second] = hook.got;
      expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
      expect(second!.body).toBe(first!.body);
      const wh = new Webhook(ctx.webhookSecret);
      const event = wh.verify(second!.body, second!.headers as Record<string, string>) as Record<
        string,
        unknown
      >;
      expect(event).toMatchObject({
        type: 'action.approved',
        actionHash,
        user: { id: user },
        reference: 'agent-run-1',
        receipt: status.receipt,
      });
      expect(typeof event.checkpoint).toBe('string');
      expect(second!.body).not.toContain(ticket.split('.')[1]);
      expect(second!.body).not.toContain(statusToken);
    } finally {
      await hook.close();
    }
  });
});
