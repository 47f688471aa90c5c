/**
 * The hosted pages on the service's own origin: enroll, then approve, as a
 * person on a second device would, with a CDP virtual authenticator. The
 * receipt is then checked in Node with verifyReceipt, as a host backend does
 * after polling GET /v1/actions/:ticket/status.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyReceipt } from '../../packages/psea/src/receipt/index.ts';
import {
  TRANSFER,
  TRANSFER_DISPLAY,
  actionButton,
  actionTicket,
  axe,
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

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('hosted pages', () => {
  it('enrolls on /enroll/:ticket, approves on /approve/:ticket, and the receipt verifies', async () => {
    const { page, context } = await device(browser, { viewport: { width: 390, height: 844 } });
    await recordEvents(context);
    const user = newUser('hosted');

    // Enroll.
    const { enrollUrl } = await enrollment(user);
    expect(enrollUrl).toMatch(new RegExp(`^${ctx.service}/enroll/`));
    await page.goto(enrollUrl);
    await waitForState(page, 'psea-enroll', 'ready');
    await expect
      .poll(() => page.locator('psea-enroll [part~="value"]').textContent())
      .toContain(`${user}@example.com`);
    await shot(page, 'hosted-enroll-ready');
    expect(await axe(page)).toEqual([]);
    await actionButton(page, 'psea-enroll').click();
    await waitForState(page, 'psea-enroll', 'done');
    const [enrolled] = await events(page);
    expect(enrolled?.type).toBe('psea-enrolled');
    const detail = enrolled!.detail as { credentialId: string; deviceBound: boolean };
    expect(typeof detail.credentialId).toBe('string');
    expect(typeof detail.deviceBound).toBe('boolean');
    await expect.poll(() => page.locator('#heading').textContent()).toBe('Passkey created');
    await shot(page, 'hosted-enroll-done');
    expect(await axe(page)).toEqual([]);

    // Approve.
    const { approveUrl, ticket, actionHash } = await actionTicket(user);
    await page.goto(approveUrl);
    await waitForState(page, 'psea-approve', 'ready');
    expect(await page.locator('psea-approve [part~="title"]').textContent()).toBe('Send €1,250.00');
    expect(await page.locator('psea-approve [part~="value"]').allTextContents()).toEqual([
      TRANSFER.to,
      '€1,250.00',
    ]);
    await shot(page, 'hosted-approve-ready');
    expect(await axe(page)).toEqual([]);
    // One round trip after the click: the options came with the page, only verify follows.
    const after: string[] = [];
    page.on('request', (r) => {
      if (r.url().startsWith(ctx.service))
        after.push(`${r.method()} ${new URL(r.url()).pathname.replace(ticket, ':ticket')}`);
    });
    await actionButton(page, 'psea-approve').click();
    await waitForState(page, 'psea-approve', 'done');
    expect(after).toEqual(['POST /v1/actions/:ticket/verify']);
    const [approved] = await events(page);
    expect(approved?.type).toBe('psea-approved');
    const { receipt } = approved!.detail as { receipt: string };
    await expect
      .poll(() => page.locator('#note').textContent())
      .toContain('You can close this page');
    await shot(page, 'hosted-approve-done');
    expect(await axe(page)).toEqual([]);

    // The host backend's side: status, then verifyReceipt against the published keys.
    const status = await server<{ state: string; receipt?: string }>(
      `/v1/actions/${ticket}/status`,
    );
    expect(status.data).toMatchObject({ state: 'approved', receipt });
    const jwks = await (await fetch(`${ctx.service}/.well-known/jwks.json`)).json();
    const { claims } = await verifyReceipt(receipt, {
      jwks,
      issuer: ctx.service,
      audience: 'payments-api',
      subject: user,
      action: TRANSFER,
      display: TRANSFER_DISPLAY,
    });
    expect(claims).toMatchObject({
      sub: user,
      act: actionHash,
      act_type: 'wire.transfer',
      uv: true,
    });
    expect(claims.cred.id).toBe(detail.credentialId);

    // The ticket is spent: reloading the page shows a final error, with no retry.
    await page.reload();
    await waitForState(page, 'psea-approve', 'error');
    expect(await events(page)).toEqual([
      {
        type: 'psea-error',
        detail: { code: 'ticket_used', message: 'This request was already completed.' },
      },
    ]);
    expect(await actionButton(page, 'psea-approve').count()).toBe(0);
    await context.close();
  });

  it('works with the keyboard alone, with a visible focus ring, in dark mode', async () => {
    const { page, context } = await device(browser, {
      colorScheme: 'dark',
      viewport: { width: 390, height: 844 },
    });
    await recordEvents(context);
    const user = newUser('keyboard');
    const focused = () =>
      page.evaluate(() => {
        let el = document.activeElement;
        while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
        return el
          ? `${el.tagName.toLowerCase()}${el.getAttribute('part') ? `[part=${el.getAttribute('part')}]` : ''}`
          : 'none';
      });
    const tabTo = async (target: string): Promise<void> => {
      for (let i = 0; i < 10 && (await focused()) !== target; i++) await page.keyboard.press('Tab');
      expect(await focused()).toBe(target);
    };

    const { enrollUrl } = await enrollment(user);
    await page.goto(enrollUrl);
    await waitForState(page, 'psea-enroll', 'ready');
    await tabTo('button[part=action]');
    const ring = await actionButton(page, 'psea-enroll').evaluate(
      (b) => getComputedStyle(b).outlineStyle,
    );
    expect(ring).toBe('solid');
    await shot(page, 'keyboard-enroll-focus-dark');
    await page.keyboard.press('Enter');
    await waitForState(page, 'psea-enroll', 'done');
    // The button is gone; focus stays in the element, on the status it announced.
    expect(await focused()).toBe('p[part=status]');

    const { approveUrl } = await actionTicket(user);
    await page.goto(approveUrl);
    await waitForState(page, 'psea-approve', 'ready');
    // "What you sign" is open from the start; it folds and unfolds with the keyboard too.
    const open = () =>
      page.locator('psea-approve details').evaluate((d) => (d as HTMLDetailsElement).open);
    expect(await open()).toBe(true);
    await tabTo('summary');
    await page.keyboard.press('Enter');
    expect(await open()).toBe(false);
    await page.keyboard.press('Enter');
    expect(await open()).toBe(true);
    await tabTo('button[part=action]');
    await shot(page, 'keyboard-approve-focus-dark');
    await page.keyboard.press('Space');
    await waitForState(page, 'psea-approve', 'done');
    expect((await events(page)).map((e) => e.type)).toEqual(['psea-approved']);
    await shot(page, 'hosted-approve-done-dark');
    expect(await axe(page)).toEqual([]);
    await context.close();
  });

  it('refuses a link whose ticket cannot exist, and sends strict headers', async () => {
    const bad = await fetch(
      `${ctx.service}/approve/${encodeURIComponent('"><script>alert(1)</script>')}`,
    );
    expect(bad.status).toBe(404);
    const body = await bad.text();
    expect(body).not.toContain('<script>alert');
    expect(body).toContain('This link is not valid');
    expect((await fetch(`${ctx.service}/enroll/${'a'.repeat(513)}`)).status).toBe(404);

    const res = await fetch(`${ctx.service}/approve/some-ticket_1.2`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain(`<psea-approve endpoint="${ctx.service}" ticket="some-ticket_1.2">`);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
  });
});
