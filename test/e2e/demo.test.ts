/**
 * The demo bank at `/` (DEMO=true): enroll this device, send the transfer,
 * approve it, and see the claims the bank's backend verified with
 * verifyReceipt, all through the real routes. demo-user is one user for the
 * whole file: once this device enrolled, every later passkey (the phone's,
 * a security key's) is held until this device's passkey approves it.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actionButton,
  addAuthenticator,
  axe,
  ctx,
  device,
  enrollment,
  launch,
  recordEvents,
  shot,
  waitForState,
  type Device,
} from './helpers';

let browser: Browser;
/** The bank's device, holding demo-user's first passkey (made by the first test). */
let bank: Device | undefined;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('demo bank', () => {
  it('enrolls, transfers, approves and shows the verified receipt', async () => {
    bank = await device(browser, { viewport: { width: 1280, height: 900 } });
    const { page, context } = bank;
    await recordEvents(context);
    await page.goto(`${ctx.service}/`);
    await expect.poll(() => page.title()).toContain('Northwind Bank');
    await shot(page, 'demo-start');
    expect(await axe(page)).toEqual([]);

    await page.getByRole('button', { name: 'Enroll this device' }).click();
    await waitForState(page, 'psea-enroll', 'ready');
    await actionButton(page, 'psea-enroll').click();
    await expect.poll(() => page.locator('#enroll-msg').textContent()).toContain('Passkey created');

    await page.getByRole('button', { name: /Send €1,250\.00 to DE89/ }).click();
    await waitForState(page, 'psea-approve', 'ready');
    expect(await page.locator('psea-approve [part~="title"]').textContent()).toBe('Send €1,250.00');
    expect(await page.locator('#approve-link').getAttribute('href')).toMatch(
      new RegExp(`^${ctx.service}/approve/`),
    );
    await shot(page, 'demo-approve');
    expect(await axe(page)).toEqual([]);
    await actionButton(page, 'psea-approve').click();

    await page.locator('#receipt').waitFor({ timeout: 15_000 });
    const claims = await page.locator('#claims').innerText();
    // The demo's own audience: no backend that expects payments-api would take a demo receipt.
    expect(claims).toContain('psea-demo');
    expect(claims).not.toContain('payments-api');
    expect(claims).toContain('wire.transfer');
    expect(claims).toContain('demo-user');
    expect(await page.locator('#receipt-badge').textContent()).toContain('Redeemed once');
    expect(JSON.parse((await page.locator('#statement').textContent())!)).toMatchObject({
      v: 1,
      aud: 'psea-demo',
      sub: 'demo-user',
    });
    expect(await page.locator('#challenge').textContent()).toMatch(/^[\w-]{43}$/);
    await shot(page, 'demo-receipt');
    expect(await axe(page)).toEqual([]);
  });

  it('pays 25 suppliers with one approval, every item shown, each redeemed once', async () => {
    if (!bank) throw new Error('needs the first test: the bank device holds the first passkey');
    const { page } = bank;
    await page.getByRole('button', { name: 'Send another transfer' }).click();
    await page.getByRole('button', { name: 'Pay 25 suppliers' }).click();
    await waitForState(page, 'psea-approve', 'ready');
    expect(await page.locator('psea-approve [part~="title"]').textContent()).toBe(
      'Approve 25 payments',
    );
    expect(await page.locator('psea-approve [part~="item"]').count()).toBe(25);
    await shot(page, 'demo-suppliers');
    expect(await axe(page)).toEqual([]);
    await actionButton(page, 'psea-approve').click();
    await expect
      .poll(() => page.locator('#receipt-badge').textContent(), { timeout: 15_000 })
      .toContain('Each item redeemed once');
    const claims = await page.locator('#claims').innerText();
    expect(claims).toContain('supplier.run');
    expect(claims).toContain('25 items');
  });

  it('notices an approval made on a second device through the hosted page', async () => {
    if (!bank) throw new Error('needs the first test: the bank device holds the first passkey');
    const phone = await device(browser, { viewport: { width: 390, height: 844 } });
    // The phone makes its own passkey for demo-user; the service holds it for an approval.
    const { enrollUrl } = await enrollment('demo-user');
    await phone.page.goto(enrollUrl);
    await actionButton(phone.page, 'psea-enroll').click();
    await phone.page.locator('psea-enroll[step="approve"][state="ready"]').waitFor();
    // The person opens the same link on the device that holds their passkey, and approves it there.
    await bank.page.goto(enrollUrl);
    await bank.page.locator('psea-enroll[step="approve"][state="ready"]').waitFor();
    await actionButton(bank.page, 'psea-enroll').click();
    await waitForState(bank.page, 'psea-enroll', 'done');

    await bank.page.goto(`${ctx.service}/`);
    await bank.page.getByRole('button', { name: /Send €1,250\.00 to DE89/ }).click();
    await bank.page.locator('#second-device').waitFor();
    const approveUrl = await bank.page.locator('#approve-link').getAttribute('href');
    await phone.page.goto(approveUrl!);
    await actionButton(phone.page, 'psea-approve').click();
    await waitForState(phone.page, 'psea-approve', 'done');

    await bank.page.locator('#receipt').waitFor({ timeout: 15_000 });
    expect(await bank.page.locator('#receipt-badge').textContent()).toContain('Redeemed once');
    await phone.context.close();
  });

  it('offline switch: approves the transfer with the network cut, and shows the receipt marked offline once back online', async () => {
    if (!bank) throw new Error('needs the first test: the bank device holds the first passkey');
    const { page, context } = bank;
    await page.goto(`${ctx.service}/`);
    await page.getByRole('button', { name: 'Offline mode: off' }).click();
    await waitForState(page, 'psea-approve', 'ready');
    expect(await page.locator('#offline-btn').getAttribute('aria-pressed')).toBe('true');
    await context.setOffline(true);
    await expect.poll(() => page.locator('#net').textContent()).toContain('offline');
    await actionButton(page, 'psea-approve').click();
    await waitForState(page, 'psea-approve', 'stored');
    await shot(page, 'demo-offline-stored');
    expect(await axe(page)).toEqual([]);
    await context.setOffline(false);
    await page.locator('#receipt').waitFor({ timeout: 15_000 });
    expect(await page.locator('#claims').innerText()).toContain('Approved offline');
    expect(await page.locator('#receipt-badge').textContent()).toContain('Redeemed once');
    // The statement the passkey signed, rebuilt from the receipt: the offline one, with the device's clock.
    expect(JSON.parse((await page.locator('#statement').textContent())!)).toMatchObject({
      aud: 'psea-demo',
      sub: 'demo-user',
      mode: 'offline',
      signed_at: expect.any(Number),
    });
    await shot(page, 'demo-offline-receipt');
  });

  it("adds another passkey on the bank page: the element creates it, then this device's passkey approves it", async () => {
    if (!bank) throw new Error('needs the first test: the bank device holds the first passkey');
    const { page, cdp, authenticatorId } = bank;
    await recordEvents(bank.context);
    await page.goto(`${ctx.service}/`);
    await page.getByRole('button', { name: 'Add another passkey' }).click();
    await waitForState(page, 'psea-enroll', 'ready');
    // A security key plugged in makes the new passkey (this device's platform authenticator waits).
    const key = await addAuthenticator(bank, 'usb');
    await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: false });
    await actionButton(page, 'psea-enroll').click();
    await page.locator('psea-enroll[step="approve"][state="ready"]').waitFor();
    await shot(page, 'demo-add-passkey-approve');
    expect(await axe(page)).toEqual([]);
    // This device's passkey approves it.
    await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: true });
    await actionButton(page, 'psea-enroll').click();
    await expect
      .poll(() => page.locator('#enroll-msg').textContent())
      .toContain('Passkey created (device-bound)');
    const made = (await cdp.send('WebAuthn.getCredentials', { authenticatorId: key })).credentials;
    expect(made).toHaveLength(1);
    const { credentials } = await (
      await fetch(`${ctx.service}/v1/users/demo-user/credentials`, {
        headers: { authorization: `Bearer ${ctx.apiKey}` },
      })
    ).json();
    expect(credentials.map((c: { state: string }) => c.state)).toEqual([
      'active',
      'active',
      'active',
    ]);
    await bank.context.close();
  });

  it('keeps its API to the bank page: no cross-origin posts, JSON only', async () => {
    const cross = await fetch(`${ctx.service}/demo/api/enroll`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(cross.status).toBe(401);
    // A browser always sends Origin on a POST: a request without one is not from the page.
    const bare = await fetch(`${ctx.service}/demo/api/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(bare.status).toBe(401);
    const origin = new URL(ctx.service).origin;
    const form = await fetch(`${ctx.service}/demo/api/transfer`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    });
    expect(form.status).toBe(400);
    const forged = await fetch(`${ctx.service}/demo/api/confirm`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json' },
      body: JSON.stringify({ receipt: 'e30.e30.c2ln' }),
    });
    expect(forged.status).toBe(401);
    expect((await forged.json()).code).toBe('receipt_invalid');
    // The page never carries the API key.
    expect(await (await fetch(`${ctx.service}/`)).text()).not.toContain(ctx.apiKey);
  });
});
