/**
 * The widget retries a 503 with the very same body (SPEC "Service hygiene"),
 * and a 409 ticket_used that carries the receipt is the approval it missed.
 * The 503s are made by intercepting the element's verify POST in Chromium,
 * as a proxy in front of the service would answer.
 */
import type { Browser, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyReceipt } from '../../packages/psea/src/receipt/index.ts';
import {
  TRANSFER,
  actionButton,
  actionTicket,
  ctx,
  embedUrl,
  enrolledDevice,
  events,
  launch,
  server,
  waitForState,
} from './helpers';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** A 503 the page can read cross-origin, as the service answers it. */
const unavailable = (route: Route) =>
  route.fulfill({
    status: 503,
    headers: {
      'content-type': 'application/problem+json',
      'retry-after': '1',
      'access-control-allow-origin': ctx.host,
      'access-control-expose-headers': 'Retry-After',
    },
    body: JSON.stringify({
      type: 'about:blank',
      status: 503,
      title: 'Service unavailable',
      code: 'unavailable',
    }),
  });

describe('the widget and 503 unavailable', () => {
  it('a 503 before the service saw the POST: tried again with the same body, and approved', async () => {
    const d = await enrolledDevice(browser);
    const { ticket, actionHash } = await actionTicket(d.user);
    const bodies: string[] = [];
    await d.page.route(`${ctx.service}/v1/actions/*/verify`, async (route) => {
      bodies.push(route.request().postData() ?? '');
      if (bodies.length === 1) return unavailable(route);
      return route.continue();
    });
    await d.page.goto(embedUrl('approve', ticket));
    await actionButton(d.page, 'psea-approve').click();
    await waitForState(d.page, 'psea-approve', 'done');
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toBe(bodies[0]);
    const log = (await events(d.page)).filter((e) => e.type !== 'psea-enrolled');
    expect(log.map((e) => e.type)).toEqual(['psea-approved']);
    const jwks = await (await fetch(`${ctx.service}/.well-known/jwks.json`)).json();
    await verifyReceipt(log[0]!.detail.receipt as string, {
      jwks,
      issuer: ctx.service,
      audience: 'payments-api',
      subject: d.user,
      action: TRANSFER,
    });
    expect(actionHash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await d.context.close();
  });

  it('a 503 after the service committed: the retry gets 409 with the receipt, which the element treats as the approval', async () => {
    const d = await enrolledDevice(browser);
    const { ticket } = await actionTicket(d.user);
    let committed: string | undefined;
    let tries = 0;
    await d.page.route(`${ctx.service}/v1/actions/*/verify`, async (route) => {
      tries++;
      if (tries > 1) return route.continue();
      // The service answers 200, but the answer is lost on its way back.
      const res = await route.fetch();
      committed = (await res.json()).receipt;
      return unavailable(route);
    });
    await d.page.goto(embedUrl('approve', ticket));
    await actionButton(d.page, 'psea-approve').click();
    await waitForState(d.page, 'psea-approve', 'done');
    expect(tries).toBe(2);
    const log = (await events(d.page)).filter((e) => e.type !== 'psea-enrolled');
    expect(log).toEqual([{ type: 'psea-approved', detail: { receipt: committed } }]);
    expect((await server(`/v1/actions/${ticket}/status`)).data).toEqual({
      state: 'approved',
      receipt: committed,
    });
    await d.context.close();
  });

  it('503 on every try: three tries, then psea-error unavailable with a retry button', async () => {
    const d = await enrolledDevice(browser);
    const { ticket } = await actionTicket(d.user);
    let tries = 0;
    await d.page.route(`${ctx.service}/v1/actions/*/verify`, (route) => {
      tries++;
      return unavailable(route);
    });
    await d.page.goto(embedUrl('approve', ticket));
    await actionButton(d.page, 'psea-approve').click();
    await waitForState(d.page, 'psea-approve', 'error');
    expect(tries).toBe(3);
    expect(
      (await events(d.page)).filter((e) => e.type === 'psea-error').map((e) => e.detail.code),
    ).toEqual(['unavailable']);
    await expect.poll(() => actionButton(d.page, 'psea-approve').count()).toBe(1);
    // Nothing reached the service: the ticket is still pending.
    expect((await server(`/v1/actions/${ticket}/status`)).data).toEqual({ state: 'pending' });
    await d.context.close();
  });
});
