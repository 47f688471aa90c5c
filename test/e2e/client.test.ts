/**
 * psea/client against the real service (`wrangler dev`) and a real passkey
 * (Chromium's virtual authenticator on the hosted pages), as an agent's host
 * uses it: enroll, ask for approval of one exact action, wait for the human
 * with only the status token (long-poll, woken by the commit), check the
 * receipt, redeem it once, revoke the passkey. And the service's own errors,
 * reaching the caller as `PseaError` with the SPEC's codes.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, jwtVerify } from 'jose';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PseaClient, PseaError, verifyWebhook } from '../../packages/psea/src/client/index.ts';
import { verifyEvidence } from '../../packages/psea/src/evidence/index.ts';
import { verifyReceipt } from '../../packages/psea/src/receipt/index.ts';
import {
  TRANSFER,
  TRANSFER_DISPLAY,
  actionButton,
  ctx,
  device,
  launch,
  newUser,
  waitForState,
} from './helpers';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const psea = new PseaClient({ baseUrl: ctx.service, apiKey: ctx.apiKey });
/** A webhook receiver on a loopback port: every POST it gets, as a fetch `Request`, in order of arrival. */
async function receiver() {
  const got: Request[] = [];
  let arrived = () => {};
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers))
        if (typeof v === 'string') headers.set(k, v);
      got.push(
        new Request(`http://127.0.0.1${req.url}`, {
          method: req.method,
          headers,
          body: Buffer.concat(chunks),
        }),
      );
      res.writeHead(204).end();
      arrived();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/psea`,
    /** The next delivery (bounded by the test's timeout). */
    next: async (): Promise<Request> => {
      while (got.length === 0) await new Promise<void>((r) => (arrived = r));
      return got.shift()!;
    },
    close: () => new Promise((r) => server.close(r)),
  };
}

const rejection = (p: Promise<unknown>) =>
  p.then(
    () => expect.unreachable('resolved'),
    (e: unknown) => e as PseaError,
  );

describe('psea/client against wrangler dev', () => {
  it('enroll, request, wait with the status token, approve on the hosted page, verify, redeem once, revoke', async () => {
    const d = await device(browser);
    const user = newUser('client');
    const enrollment = await psea.createEnrollment({
      user: { id: user, name: `${user}@example.com`, displayName: 'Ada' },
    });
    expect(enrollment.enrollUrl).toBe(`${ctx.service}/enroll/${enrollment.ticket}`);
    await d.page.goto(enrollment.enrollUrl);
    await actionButton(d.page, 'psea-enroll').click();
    await waitForState(d.page, 'psea-enroll', 'done');
    const { credentials } = await psea.credentials.list(user);
    expect(credentials.map((c) => c.state)).toEqual(['active']);

    const approval = await psea.requestApproval({
      user: { id: user },
      action: TRANSFER,
      display: TRANSFER_DISPLAY,
      audience: 'payments-api',
      reference: 'order-42',
    });
    expect(approval.statusToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The agent that waits holds the status token only, never the API key.
    const waiter = new PseaClient({ baseUrl: ctx.service });
    expect(await waiter.status(approval.ticket, { statusToken: approval.statusToken })).toEqual({
      state: 'pending',
      reference: 'order-42',
    });
    const waiting = waiter.waitForApproval(approval.ticket, {
      timeoutMs: 50_000,
      statusToken: approval.statusToken,
    });

    await d.page.goto(approval.approveUrl);
    await actionButton(d.page, 'psea-approve').click();
    await waitForState(d.page, 'psea-approve', 'done');
    const done = await waiting;
    expect(done.state).toBe('approved');
    expect(done.reference).toBe('order-42');

    const jwks = await (await fetch(`${ctx.service}/.well-known/jwks.json`)).json();
    const { claims } = await verifyReceipt(done.receipt!, {
      jwks,
      issuer: ctx.service,
      audience: 'payments-api',
      subject: user,
      action: TRANSFER,
      display: TRANSFER_DISPLAY,
    });
    expect(claims.act).toBe(approval.actionHash);
    // The evidence, checked with no trust in the service beyond the pinned log key.
    const bundle = await psea.evidence(approval.ticket, { attestation: true });
    expect(bundle.receipt).toBe(done.receipt);
    // v3: no checkpoint was kept for this user, so the custody root is accepted unanchored.
    const checked = await verifyEvidence(bundle, {
      rpId: 'localhost',
      origins: [ctx.service, ctx.host],
      logKey: ctx.logKey,
      jwks,
      subject: user,
      action: TRANSFER,
      allowUnanchored: true,
    });
    expect(checked.checks.filter((c) => c.result === 'fail')).toEqual([]);
    expect(checked.ok).toBe(true);
    expect((await psea.redeem(done.receipt!, 'payments-api')).claims.jti).toBe(claims.jti);
    expect(await rejection(psea.redeem(done.receipt!, 'payments-api'))).toMatchObject({
      code: 'receipt_redeemed',
      status: 409,
    });

    // A finished ticket answers a waiter at once.
    expect(
      (
        await waiter.waitForApproval(approval.ticket, {
          timeoutMs: 10_000,
          statusToken: approval.statusToken,
        })
      ).state,
    ).toBe('approved');

    // Offline grants: single-use nonces, and a bundle signed by the receipt key naming the active passkey.
    const offline = await psea.offlineGrants(user, {
      count: 2,
      ttl: 600,
      audience: 'door-7',
      types: ['door.open'],
    });
    expect(offline.grants).toHaveLength(2);
    const { payload, protectedHeader } = await jwtVerify(offline.bundle, createLocalJWKSet(jwks), {
      issuer: ctx.service,
      audience: 'door-7',
      subject: user,
    });
    expect(protectedHeader.typ).toBe('psea-offline+jwt');
    expect((payload.grants as string[]).sort()).toEqual(offline.grants.map((g) => g.nonce).sort());
    expect((payload.creds as { id: string }[]).map((c) => c.id)).toEqual([credentials[0]!.id]);

    expect(await psea.credentials.revoke(user, credentials[0]!.id)).toBeUndefined();
    expect(await psea.credentials.revoke(user, credentials[0]!.id)).toBeUndefined(); // idempotent in effect
    expect((await psea.credentials.list(user)).credentials.map((c) => c.state)).toEqual([
      'revoked',
    ]);
    expect(
      await rejection(psea.requestApproval({ user: { id: user }, action: TRANSFER })),
    ).toMatchObject({ code: 'not_enrolled', status: 409 });
    await d.context.close();
  });

  it("the service's errors arrive as PseaError with the SPEC's codes", async () => {
    const bad = await rejection(
      psea.requestApproval({
        user: { id: newUser('client-bad') },
        action: { type: 'psea.credential.add' },
      }),
    );
    expect(bad).toMatchObject({ code: 'invalid_request', status: 400 });
    expect(bad.detail).toMatch(/^action\.type/);
    expect(
      await rejection(
        psea.requestApproval({ user: { id: newUser('client-none') }, action: TRANSFER }),
      ),
    ).toMatchObject({ code: 'not_enrolled' });
    expect(
      await rejection(
        psea.offlineGrants(newUser('client-none'), {
          count: 1,
          ttl: 60,
          audience: 'door-7',
          types: ['door.open'],
        }),
      ),
    ).toMatchObject({ code: 'not_enrolled', status: 409 });
    expect(await rejection(psea.status('no-such-ticket'))).toMatchObject({
      code: 'ticket_not_found',
      status: 404,
    });
    expect(
      await rejection(
        new PseaClient({ baseUrl: ctx.service, apiKey: 'x'.repeat(40) }).credentials.list('u'),
      ),
    ).toMatchObject({ code: 'unauthorized', status: 401 });
  });

  it('waitForApproval on a ticket nobody approves: timeout; and aborted when the caller gives up', async () => {
    const d = await device(browser);
    const user = newUser('client-wait');
    const { enrollUrl } = await psea.createEnrollment({
      user: { id: user, name: `${user}@example.com` },
    });
    await d.page.goto(enrollUrl);
    await actionButton(d.page, 'psea-enroll').click();
    await waitForState(d.page, 'psea-enroll', 'done');
    await d.context.close();
    const { ticket, statusToken } = await psea.requestApproval({
      user: { id: user },
      action: TRANSFER,
      audience: 'payments-api',
    });
    // Attack: a status token authorises its own ticket's status and nothing else, not even a sibling ticket's.
    const other = await psea.requestApproval({
      user: { id: user },
      action: TRANSFER,
      audience: 'payments-api',
    });
    expect(await rejection(psea.status(other.ticket, { statusToken }))).toMatchObject({
      code: 'unauthorized',
      status: 401,
    });
    expect(
      await rejection(
        new PseaClient({ baseUrl: ctx.service, apiKey: statusToken }).credentials.list(user),
      ),
    ).toMatchObject({ code: 'unauthorized' });
    expect(
      await rejection(psea.waitForApproval(ticket, { timeoutMs: 1_500, statusToken })),
    ).toMatchObject({ code: 'timeout' });
    expect(await rejection(psea.evidence(ticket))).toMatchObject({
      code: 'not_approved',
      status: 409,
    });
    const controller = new AbortController();
    const waiting = rejection(
      psea.waitForApproval(ticket, { timeoutMs: 50_000, signal: controller.signal }),
    );
    setTimeout(() => controller.abort(), 200);
    expect(await waiting).toMatchObject({ code: 'aborted' });
    expect((await psea.status(ticket)).state).toBe('pending');
  });

  it("the service's action.approved webhook verifies with verifyWebhook, and a tampered copy does not", async () => {
    const hooks = await receiver();
    const d = await device(browser);
    const user = newUser('client-hook');
    const { enrollUrl } = await psea.createEnrollment({
      user: { id: user, name: `${user}@example.com` },
    });
    await d.page.goto(enrollUrl);
    await actionButton(d.page, 'psea-enroll').click();
    await waitForState(d.page, 'psea-enroll', 'done');
    const approval = await psea.requestApproval({
      user: { id: user },
      action: TRANSFER,
      audience: 'payments-api',
      reference: 'order-77',
      callbackUrl: hooks.url,
    });
    await d.page.goto(approval.approveUrl);
    await actionButton(d.page, 'psea-approve').click();
    await waitForState(d.page, 'psea-approve', 'done');
    const { receipt } = await psea.status(approval.ticket);

    const delivery = await hooks.next();
    const tampered = new Request(delivery.url, {
      method: 'POST',
      headers: delivery.headers,
      body: (await delivery.clone().text()).replace('order-77', 'order-78'),
    });
    const event = await verifyWebhook(delivery, ctx.webhookSecret);
    expect(event).toMatchObject({
      type: 'action.approved',
      actionHash: approval.actionHash,
      user: { id: user },
      reference: 'order-77',
      receipt,
    });
    expect(JSON.stringify(event)).not.toContain(approval.ticket);
    expect(await rejection(verifyWebhook(tampered, ctx.webhookSecret))).toMatchObject({
      code: 'webhook_invalid',
    });
    await d.context.close();
    await hooks.close();
  });
});
