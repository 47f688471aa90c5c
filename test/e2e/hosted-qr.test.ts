/**
 * "Approve on another device" on the hosted approve page, in Chromium: a
 * desktop without the passkey shows the page's QR code; what Chromium drew
 * is read back from a canvas and decoded with jsQR, and must be exactly the
 * page's URL; the phone that holds the passkey opens that URL and approves;
 * the desktop then drops the code and says so. A code of a dead ticket is
 * never left on screen.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeQrPixels } from '../support/qr-decode';
import {
  actionButton,
  actionTicket,
  axe,
  ctx,
  device,
  enrolledDevice,
  events,
  launch,
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

const PHONE = { viewport: { width: 390, height: 844 } };

/** Draw the page's QR image onto a canvas at its rendered size, read the pixels back, decode them in Node. */
async function decodeShownQr(page: Page): Promise<string | null> {
  const { b64, width, height } = await page
    .locator('#handoff img.qr')
    .evaluate(async (img: HTMLImageElement) => {
      await img.decode();
      const { width, height } = img.getBoundingClientRect();
      const canvas = document.createElement('canvas');
      canvas.width = Math.round(width);
      canvas.height = Math.round(height);
      const g = canvas.getContext('2d')!;
      g.drawImage(img, 0, 0, canvas.width, canvas.height);
      const data = g.getImageData(0, 0, canvas.width, canvas.height).data;
      let bin = '';
      for (let i = 0; i < data.length; i += 0x8000)
        bin += String.fromCharCode(...data.subarray(i, i + 0x8000));
      return { b64: btoa(bin), width: canvas.width, height: canvas.height };
    });
  return decodeQrPixels(new Uint8ClampedArray(Buffer.from(b64, 'base64')), width, height);
}

const handoffCount = (page: Page): Promise<number> => page.locator('#handoff').count();

describe('hosted approve page: QR handoff to another device', () => {
  it('the desktop shows its own URL as a QR code; the phone scans it and approves; the desktop drops the code', async () => {
    const phone = await enrolledDevice(browser, PHONE);
    const desktop = await device(browser); // an authenticator with no passkey for this user
    const { approveUrl, ticket } = await actionTicket(phone.user);

    await desktop.page.goto(approveUrl);
    await waitForState(desktop.page, 'psea-approve', 'ready');
    const summary = desktop.page.getByText('Approve on another device');
    await expect.poll(() => summary.isVisible()).toBe(true);
    // Closed until the person asks: no code on screen (or in a screen share) by default.
    expect(await desktop.page.locator('#handoff img.qr').isVisible()).toBe(false);
    await summary.click();
    await desktop.page.locator('#handoff img.qr').waitFor({ state: 'visible' });

    const scanned = await decodeShownQr(desktop.page);
    expect(scanned).toBe(desktop.page.url());
    expect(scanned).toBe(approveUrl);
    expect(await desktop.page.locator('#handoff code').textContent()).toBe(approveUrl);
    expect(
      await desktop.page.getByRole('img', { name: 'QR code of the link to this page' }).count(),
    ).toBe(1);
    await shot(desktop.page, 'hosted-approve-qr');
    expect(await axe(desktop.page)).toEqual([]);

    // The phone opens what it scanned and approves there.
    await phone.page.goto(scanned!);
    await waitForState(phone.page, 'psea-approve', 'ready');
    await actionButton(phone.page, 'psea-approve').click();
    await waitForState(phone.page, 'psea-approve', 'done');
    expect((await server<{ state: string }>(`/v1/actions/${ticket}/status`)).data.state).toBe(
      'approved',
    );

    // The open disclosure keeps checking its ticket: the desktop learns, drops the code and the button.
    await expect.poll(() => handoffCount(desktop.page), { timeout: 20_000 }).toBe(0);
    expect(await desktop.page.locator('#heading').textContent()).toBe('Already approved');
    expect(await desktop.page.locator('psea-approve').count()).toBe(0);
    expect(await desktop.page.evaluate(() => document.activeElement?.id)).toBe('heading');
    await shot(desktop.page, 'hosted-approve-qr-approved-elsewhere');
    expect(await axe(desktop.page)).toEqual([]);
    await desktop.context.close();
    await phone.context.close();
  });

  it('approved on this page, the code goes; reloaded on the spent ticket, it never shows', async () => {
    const d = await enrolledDevice(browser);
    const { approveUrl } = await actionTicket(d.user);
    await d.page.goto(approveUrl);
    await waitForState(d.page, 'psea-approve', 'ready');
    await expect.poll(() => d.page.locator('#handoff summary').isVisible()).toBe(true);
    await actionButton(d.page, 'psea-approve').click();
    await waitForState(d.page, 'psea-approve', 'done');
    expect(await handoffCount(d.page)).toBe(0);

    await d.page.reload();
    await waitForState(d.page, 'psea-approve', 'error');
    expect((await events(d.page)).map((e) => e.detail.code)).toEqual(['ticket_used']);
    expect(await handoffCount(d.page)).toBe(0);
    await d.context.close();
  });

  it('a ticket approved elsewhere while the disclosure was closed: opening it never shows the stale code', async () => {
    const phone = await enrolledDevice(browser, PHONE);
    const desktop = await device(browser);
    const { approveUrl } = await actionTicket(phone.user);
    await desktop.page.goto(approveUrl);
    await waitForState(desktop.page, 'psea-approve', 'ready');
    await phone.page.goto(approveUrl);
    await waitForState(phone.page, 'psea-approve', 'ready');
    await actionButton(phone.page, 'psea-approve').click();
    await waitForState(phone.page, 'psea-approve', 'done');

    // Watch every frame for the code while the person opens the disclosure on the desktop.
    await desktop.page.evaluate(() => {
      const w = window as unknown as { sawQr: boolean };
      w.sawQr = false;
      const frame = (): void => {
        const img = document.querySelector('#handoff img.qr');
        if (img?.checkVisibility({ visibilityProperty: true })) w.sawQr = true;
        if (img) requestAnimationFrame(frame);
      };
      frame();
    });
    await desktop.page.locator('#handoff summary').click();
    await expect.poll(() => handoffCount(desktop.page), { timeout: 15_000 }).toBe(0);
    expect(await desktop.page.evaluate(() => (window as unknown as { sawQr: boolean }).sawQr)).toBe(
      false,
    );
    expect(await desktop.page.locator('#heading').textContent()).toBe('Already approved');
    await desktop.context.close();
    await phone.context.close();
  });

  it('a ticket that expires while the code is open: the code goes, and the page says it expired', async () => {
    const d = await enrolledDevice(browser);
    const { status, data } = await server<{ approveUrl: string }>('/v1/actions', {
      user: { id: d.user },
      action: { type: 'wire.transfer', amount: '1.00' },
      ttl: 8,
    });
    expect(status).toBe(201);
    await d.page.goto(data.approveUrl);
    await waitForState(d.page, 'psea-approve', 'ready');
    await d.page.locator('#handoff summary').click();
    await d.page.locator('#handoff img.qr').waitFor({ state: 'visible' });
    await expect.poll(() => handoffCount(d.page), { timeout: 30_000 }).toBe(0);
    expect(await d.page.locator('#heading').textContent()).toBe('This request expired');
    await d.context.close();
  });

  it('on a browser without passkeys, the other device is the way: the disclosure is offered (dark mode)', async () => {
    const d = await device(browser, { colorScheme: 'dark' });
    await recordEvents(d.context);
    await d.context.addInitScript(() => {
      delete (window as { PublicKeyCredential?: unknown }).PublicKeyCredential;
    });
    const phone = await enrolledDevice(browser, PHONE);
    const { approveUrl } = await actionTicket(phone.user);
    await d.page.goto(approveUrl);
    await waitForState(d.page, 'psea-approve', 'error');
    expect((await events(d.page)).map((e) => e.detail.code)).toEqual(['unsupported']);
    await d.page.locator('#handoff summary').click();
    await d.page.locator('#handoff img.qr').waitFor({ state: 'visible' });
    // The code keeps its own white ground and quiet zone on a dark page.
    expect(await decodeShownQr(d.page)).toBe(approveUrl);
    await shot(d.page, 'hosted-approve-qr-unsupported-dark');
    expect(await axe(d.page)).toEqual([]);
    await d.context.close();
    await phone.context.close();
  });

  it('the enrollment page offers no QR code', async () => {
    const res = await fetch(`${ctx.service}/enroll/some-ticket_1.2`);
    expect(await res.text()).not.toContain('id="handoff"');
  });
});
