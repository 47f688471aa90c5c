/**
 * Issue 5 in the hosted flow: global-setup.ts sets the relying party's POLICY
 * to "wires over 10,000 need a device-bound passkey; anything else needs any
 * verified passkey". A person enrolls and approves on the hosted pages with a
 * CDP virtual authenticator, once as a synced passkey (BE and BS set, as
 * iCloud Keychain or Google Password Manager make them) and once as a
 * device-bound one (BE clear, as a security key). The outcome is read where a
 * host backend reads it: the status route and the verified receipt.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyReceipt } from '../../packages/psea/src/receipt/index.ts';
import {
  actionButton,
  actionTicket,
  ctx,
  device,
  enrollment,
  events,
  launch,
  newUser,
  recordEvents,
  server,
  shot,
  waitForState,
} from './helpers';

const wire = (amount: string) => ({
  type: 'wire.transfer',
  amount,
  currency: 'EUR',
  to: 'DE89 3704 0044 0532 0130 00',
});
const display = (label: string) => ({
  title: `Send ${label}`,
  fields: [{ label: 'Amount', value: label }],
});
const POLICY_UNMET_TEXT = 'This action needs another kind of passkey, such as a security key.';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** Enroll `user` on the hosted /enroll/:ticket page; returns the psea-enrolled detail. */
async function enrollHosted(
  page: Page,
  user: string,
): Promise<{ credentialId: string; deviceBound: boolean }> {
  const { enrollUrl } = await enrollment(user);
  await page.goto(enrollUrl);
  await waitForState(page, 'psea-enroll', 'ready');
  await actionButton(page, 'psea-enroll').click();
  await waitForState(page, 'psea-enroll', 'done');
  const seen = await events(page);
  expect(seen.map((e) => e.type)).toEqual(['psea-enrolled']);
  return seen[0]!.detail as { credentialId: string; deviceBound: boolean };
}

/** Open the hosted /approve/:ticket page for `action` and press the button. */
async function approveHosted(page: Page, user: string, amount: string, label: string) {
  const action = wire(amount);
  const made = await actionTicket(user, { action, display: display(label) });
  await page.goto(made.approveUrl);
  await waitForState(page, 'psea-approve', 'ready');
  expect(await page.locator('psea-approve [part~="title"]').textContent()).toBe(`Send ${label}`);
  await actionButton(page, 'psea-approve').click();
  return { ...made, action, shown: display(label) };
}

/** The host backend's side: the status route, then verifyReceipt against the published keys. */
async function receiptOf(
  ticket: string,
  receipt: string,
  user: string,
  action: Record<string, unknown>,
  shown: unknown,
) {
  const status = await server<{ state: string; receipt?: string }>(`/v1/actions/${ticket}/status`);
  expect(status.data).toMatchObject({ state: 'approved', receipt });
  const jwks = await (await fetch(`${ctx.service}/.well-known/jwks.json`)).json();
  const { claims } = await verifyReceipt(receipt, {
    jwks,
    issuer: ctx.service,
    audience: 'payments-api',
    subject: user,
    action,
    display: shown,
  });
  return claims;
}

describe('policy in the hosted flow (POLICY: wires over 10,000 need a device-bound passkey)', () => {
  it('a synced passkey is refused a 20,000 transfer with policy_unmet, and approves a 100 transfer under rule default', async () => {
    const { page, context } = await device(browser, {
      synced: true,
      viewport: { width: 390, height: 844 },
    });
    await recordEvents(context);
    const user = newUser('synced');
    const enrolled = await enrollHosted(page, user);
    expect(enrolled.deviceBound).toBe(false);

    // 20,000 gets rule large-transfer: the synced passkey is below it.
    const big = await approveHosted(page, user, '20000.00', '€20,000.00');
    await waitForState(page, 'psea-approve', 'error');
    expect(await events(page)).toEqual([
      { type: 'psea-error', detail: { code: 'policy_unmet', message: POLICY_UNMET_TEXT } },
    ]);
    // The person sees why, in words, next to the action it refused.
    expect(await page.locator('psea-approve [part~="status"]').textContent()).toContain(
      POLICY_UNMET_TEXT,
    );
    expect(await page.locator('psea-approve [part~="title"]').textContent()).toBe(
      'Send €20,000.00',
    );
    // The page did not say "Approved".
    expect(await page.locator('#heading').textContent()).not.toBe('Approved');
    await shot(page, 'policy-unmet-synced-passkey');
    // Nothing was signed: the host backend still sees a pending action, with no receipt.
    const status = await server<{ state: string; receipt?: string }>(
      `/v1/actions/${big.ticket}/status`,
    );
    expect(status.status).toBe(200);
    expect(status.data.state).toBe('pending');
    expect(status.data.receipt).toBeUndefined();

    // 100 gets rule default: any verified passkey, the synced one included.
    const small = await approveHosted(page, user, '100.00', '€100.00');
    await waitForState(page, 'psea-approve', 'done');
    const seen = await events(page);
    expect(seen.map((e) => e.type)).toEqual(['psea-approved']);
    const { receipt } = seen[0]!.detail as { receipt: string };
    const claims = await receiptOf(small.ticket, receipt, user, small.action, small.shown);
    expect(claims).toMatchObject({
      sub: user,
      act: small.actionHash,
      act_type: 'wire.transfer',
      pol: 'default',
    });
    expect(claims.cred).toMatchObject({
      id: enrolled.credentialId,
      device_bound: false,
      backed_up: true,
    });
    await context.close();
  });

  it('a device-bound passkey approves the 20,000 transfer under rule large-transfer', async () => {
    const { page, context } = await device(browser, { viewport: { width: 390, height: 844 } });
    await recordEvents(context);
    const user = newUser('bound');
    const enrolled = await enrollHosted(page, user);
    expect(enrolled.deviceBound).toBe(true);

    const big = await approveHosted(page, user, '20000.00', '€20,000.00');
    await waitForState(page, 'psea-approve', 'done');
    const seen = await events(page);
    expect(seen.map((e) => e.type)).toEqual(['psea-approved']);
    await expect.poll(() => page.locator('#heading').textContent()).toBe('Approved');
    await shot(page, 'policy-large-transfer-device-bound');
    const { receipt } = seen[0]!.detail as { receipt: string };
    const claims = await receiptOf(big.ticket, receipt, user, big.action, big.shown);
    expect(claims).toMatchObject({
      sub: user,
      act: big.actionHash,
      act_type: 'wire.transfer',
      pol: 'large-transfer',
    });
    expect(claims.cred).toMatchObject({
      id: enrolled.credentialId,
      device_bound: true,
      backed_up: false,
    });
    await context.close();
  });
});
