/**
 * The demo bank at `/` (DEMO=true): enroll this device, send the transfer,
 * approve it, and see the claims the bank's backend verified with
 * verifyReceipt, all through the real routes.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionButton, axe, ctx, device, enrollment, launch, recordEvents, shot, waitForState } from './helpers';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('demo bank', () => {
  it('enrolls, transfers, approves and shows the verified receipt', async () => {
    const { page, context } = await device(browser, { viewport: { width: 1280, height: 900 } });
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
    expect(await page.locator('#approve-link').getAttribute('href')).toMatch(new RegExp(`^${ctx.service}/approve/`));
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
    expect(JSON.parse((await page.locator('#statement').textContent())!)).toMatchObject({ v: 1, aud: 'psea-demo', sub: 'demo-user' });
    expect(await page.locator('#challenge').textContent()).toMatch(/^[\w-]{43}$/);
    await shot(page, 'demo-receipt');
    expect(await axe(page)).toEqual([]);
    await context.close();
  });

  it('notices an approval made on a second device through the hosted page', async () => {
    const bank = await device(browser, { viewport: { width: 1280, height: 900 } });
    const phone = await device(browser, { viewport: { width: 390, height: 844 } });
    // The phone holds its own passkey for demo-user.
    const { enrollUrl } = await enrollment('demo-user');
    await phone.page.goto(enrollUrl);
    await actionButton(phone.page, 'psea-enroll').click();
    await waitForState(phone.page, 'psea-enroll', 'done');

    await bank.page.goto(`${ctx.service}/`);
    await bank.page.getByRole('button', { name: /Send €1,250\.00 to DE89/ }).click();
    await bank.page.locator('#second-device').waitFor();
    const approveUrl = await bank.page.locator('#approve-link').getAttribute('href');
    await phone.page.goto(approveUrl!);
    await actionButton(phone.page, 'psea-approve').click();
    await waitForState(phone.page, 'psea-approve', 'done');

    await bank.page.locator('#receipt').waitFor({ timeout: 15_000 });
    expect(await bank.page.locator('#receipt-badge').textContent()).toContain('Redeemed once');
    await bank.context.close();
    await phone.context.close();
  });

  it('keeps its API to the bank page: no cross-origin posts, JSON only', async () => {
    const cross = await fetch(`${ctx.service}/demo/api/enroll`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(cross.status).toBe(401);
    // A browser always sends Origin on a POST: a request without one is not from the page.
    const bare = await fetch(`${ctx.service}/demo/api/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
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
