/**
 * What the elements and the hosted pages say when something goes wrong that no retry fixes
 * (issue 22, "the front door"): each case in words a person understands, and no "Try again":
 * a page whose origin the service does not allow (its CORS refusal told apart from a network
 * that is down, which still offers Try again), an approval from an origin the action's rule does not take (origin_mismatch),
 * a passkey locked for a counter that went back (counter_regression), and a passkey that is
 * already registered. And an action sent without a display gets a readable title.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actionButton,
  ctx,
  device,
  embedUrl,
  enrolledDevice,
  enrollment,
  events,
  launch,
  newUser,
  passkeysOn,
  recordEvents,
  server,
  shot,
  waitForState,
} from './helpers';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const status = (page: import('playwright-core').Page, tag: string) =>
  page.locator(`${tag} [part~="status"]`).textContent();

async function ticketFor(user: string, action: Record<string, unknown>, display?: unknown) {
  const { status: code, data } = await server<{ ticket: string; approveUrl: string }>(
    '/v1/actions',
    { user: { id: user }, action, audience: 'payments-api', ...(display ? { display } : {}) },
  );
  expect(code).toBe(201);
  return data;
}

describe('the front door: errors a person can act on', () => {
  it("a host page on an origin the service does not allow: says so, not 'Could not reach'", async () => {
    const d = await device(browser);
    await recordEvents(d.context);
    const user = newUser('origin');
    const { ticket } = await enrollment(user);
    // Same host server, another origin: 127.0.0.1 is not in ALLOWED_ORIGINS (localhost is).
    const url = embedUrl('enroll', ticket).replace(
      ctx.host,
      ctx.host.replace('localhost', '127.0.0.1'),
    );
    await d.page.goto(url);
    await waitForState(d.page, 'psea-enroll', 'error', 20_000);
    const [error, ...more] = await events(d.page);
    expect(more).toEqual([]);
    expect(error).toMatchObject({ type: 'psea-error', detail: { code: 'origin_not_allowed' } });
    expect(await status(d.page, 'psea-enroll')).toContain(
      "This page's address is not allowed by the approval service",
    );
    expect(await actionButton(d.page, 'psea-enroll').count()).toBe(0);
    await shot(d.page, 'front-door-origin-not-allowed');
    await d.context.close();
  });

  it('a network that is down is still network_error, with Try again, which then approves', async () => {
    const d = await enrolledDevice(browser);
    const { ticket } = await ticketFor(d.user, {
      type: 'wire.transfer',
      amount: '5.00',
      currency: 'EUR',
      to: 'DE89',
    });
    await d.page.goto(embedUrl('approve', ticket));
    await waitForState(d.page, 'psea-approve', 'ready');
    await d.context.setOffline(true);
    await actionButton(d.page, 'psea-approve').click();
    await waitForState(d.page, 'psea-approve', 'error', 20_000);
    expect((await events(d.page)).at(-1)).toMatchObject({
      type: 'psea-error',
      detail: { code: 'network_error' },
    });
    expect(await status(d.page, 'psea-approve')).toContain('Could not reach the approval service');
    await d.context.setOffline(false);
    await actionButton(d.page, 'psea-approve').click();
    await waitForState(d.page, 'psea-approve', 'done');
    await d.context.close();
  });

  it('origin_mismatch: an action only the hosted page may approve, from a host page', async () => {
    const d = await enrolledDevice(browser);
    const { ticket, approveUrl } = await ticketFor(d.user, { type: 'e2e.hosted-only', door: '7' });
    await d.page.goto(embedUrl('approve', ticket));
    await waitForState(d.page, 'psea-approve', 'ready');
    await actionButton(d.page, 'psea-approve').click();
    await waitForState(d.page, 'psea-approve', 'error');
    expect((await events(d.page)).at(-1)).toMatchObject({
      type: 'psea-error',
      detail: { code: 'origin_mismatch' },
    });
    expect(await status(d.page, 'psea-approve')).toContain(
      "does not accept passkeys from this page's address",
    );
    expect(await actionButton(d.page, 'psea-approve').count()).toBe(0);
    // The hosted page, which the rule allows, still approves it: one failure did not burn it.
    await d.page.goto(approveUrl);
    await waitForState(d.page, 'psea-approve', 'ready');
    await actionButton(d.page, 'psea-approve').click();
    await waitForState(d.page, 'psea-approve', 'done');
    await d.context.close();
  });

  it('a passkey whose counter went back is locked: the hosted page says so, with no Try again', async () => {
    const d = await enrolledDevice(browser);
    // No display: the title comes from the type, readable.
    const first = await ticketFor(d.user, {
      type: 'wire.transfer',
      amount: '10.00',
      currency: 'EUR',
      to: 'DE89',
    });
    await d.page.goto(first.approveUrl);
    await waitForState(d.page, 'psea-approve', 'ready');
    expect(await d.page.locator('psea-approve [part~="title"]').textContent()).toBe(
      'Wire transfer',
    );
    await actionButton(d.page, 'psea-approve').click();
    await waitForState(d.page, 'psea-approve', 'done');

    // A copy of the key with the counter it had at enrollment: what a cloned passkey looks like.
    const [passkey] = await passkeysOn(d, d.authenticatorId);
    await d.cdp.send('WebAuthn.removeCredential', {
      authenticatorId: d.authenticatorId,
      credentialId: passkey!.credentialId,
    });
    await d.cdp.send('WebAuthn.addCredential', {
      authenticatorId: d.authenticatorId,
      credential: { ...passkey!, signCount: 0 },
    });

    const second = await ticketFor(d.user, {
      type: 'wire.transfer',
      amount: '20.00',
      currency: 'EUR',
      to: 'DE89',
    });
    await d.page.goto(second.approveUrl);
    await waitForState(d.page, 'psea-approve', 'ready');
    await actionButton(d.page, 'psea-approve').click();
    await waitForState(d.page, 'psea-approve', 'error');
    expect((await events(d.page)).at(-1)).toMatchObject({
      type: 'psea-error',
      detail: { code: 'counter_regression' },
    });
    expect(await status(d.page, 'psea-approve')).toContain('This passkey is locked');
    expect(await actionButton(d.page, 'psea-approve').count()).toBe(0);
    await expect
      .poll(() => d.page.locator('#heading').textContent())
      .toBe('This passkey is locked');
    await shot(d.page, 'front-door-locked');
    await d.context.close();
  });

  it('a passkey already registered for the account: said plainly, no retry, on the hosted page', async () => {
    const d = await enrolledDevice(browser);
    const { enrollUrl } = await enrollment(d.user);
    await d.page.goto(enrollUrl);
    await waitForState(d.page, 'psea-enroll', 'ready');
    await actionButton(d.page, 'psea-enroll').click();
    await waitForState(d.page, 'psea-enroll', 'error');
    expect((await events(d.page)).at(-1)).toMatchObject({
      type: 'psea-error',
      detail: { code: 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED' },
    });
    expect(await status(d.page, 'psea-enroll')).toContain(
      'This passkey is already registered for this account',
    );
    expect(await actionButton(d.page, 'psea-enroll').count()).toBe(0);
    await expect
      .poll(() => d.page.locator('#heading').textContent())
      .toBe('Passkey already set up');
    await shot(d.page, 'front-door-already-registered');
    await d.context.close();
  });
});
