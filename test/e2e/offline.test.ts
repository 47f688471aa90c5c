/**
 * `<psea-approve offline>` in Chromium with the network cut
 * (`context.setOffline`), on a host page that a service worker keeps
 * loadable offline (host-server.ts `/offline`), as a real deployment does.
 * The page and the grants are loaded online; then the person approves with
 * no network, the proof waits in IndexedDB through a reload, and goes to the
 * service once the browser is back online: one receipt, `offline: true`.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyReceipt } from '../../packages/psea/src/receipt/index.ts';
import {
  TRANSFER,
  TRANSFER_DISPLAY,
  actionButton,
  axe,
  ctx,
  enrolledDevice,
  enrollment,
  events,
  launch,
  server,
  shot,
  waitForState,
  type Device,
} from './helpers';

let browser: Browser;
let d: Device & { user: string };
let jwks: unknown;
beforeAll(async () => {
  browser = await launch();
  d = await enrolledDevice(browser);
  jwks = await (await fetch(`${ctx.service}/.well-known/jwks.json`)).json();
});
afterAll(async () => {
  await browser?.close();
});

interface Grants {
  grants: { nonce: string; expiresAt: string }[];
  bundle: string;
}

/** The host backend asks for grants (server route, API key). */
async function grants(user: string, count = 3): Promise<Grants> {
  const { status, data } = await server<Grants>(
    `/v1/users/${encodeURIComponent(user)}/offline-grants`,
    { count, ttl: 3600, audience: 'payments-api', types: ['wire.transfer'] },
  );
  if (status !== 201) throw new Error(`offline-grants: ${status} ${JSON.stringify(data)}`);
  return data;
}

/** The bundle with claims replaced, its signature left as it was: the widget does not verify, the service does. */
function forge(bundle: string, claims: Record<string, unknown>): string {
  const [h, p, sig] = bundle.split('.');
  const payload = { ...JSON.parse(Buffer.from(p!, 'base64url').toString()), ...claims };
  return `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${sig}`;
}

/** What the host page keeps for offline use; it sets them on the element at every load. */
async function host(
  page: Page,
  kept: { bundle: string; action: unknown; display?: unknown },
): Promise<void> {
  await page.evaluate((k) => localStorage.setItem('psea-offline-host', JSON.stringify(k)), kept);
  await page.reload();
}

/**
 * Every request the pages of the context made to the service's API, and
 * whether it got an answer (`reached`) or failed in the browser, network cut.
 */
function apiCalls(page: Page): { call: string; reached?: boolean }[] {
  const calls: { call: string; reached?: boolean }[] = [];
  const of = new Map<unknown, { call: string; reached?: boolean }>();
  page.context().on('request', (r) => {
    if (!r.url().startsWith(`${ctx.service}/v1/`)) return;
    const c = { call: `${r.method()} ${new URL(r.url()).pathname}` };
    of.set(r, c);
    calls.push(c);
  });
  page.context().on('requestfinished', (r) => void (of.get(r) && (of.get(r)!.reached = true)));
  page.context().on('requestfailed', (r) => void (of.get(r) && (of.get(r)!.reached = false)));
  return calls;
}

const status = (page: Page) => page.locator('psea-approve [part~="status"]').textContent();

describe('<psea-approve offline>', () => {
  it('approves with no network, keeps the proof through an offline reload, and sends it once back online', async () => {
    const { page, context } = d;
    const g = await grants(d.user);
    await page.goto(`${ctx.host}/offline`);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await host(page, { bundle: g.bundle, action: TRANSFER, display: TRANSFER_DISPLAY });
    await waitForState(page, 'psea-approve', 'ready');
    expect(await page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
    // What the person signs, as online: the title, the fields, every member of the action.
    expect(await page.locator('psea-approve [part~="title"]').textContent()).toBe('Send €1,250.00');
    expect(await page.locator('psea-approve [part~="member-name"]').allTextContents()).toEqual([
      'amount',
      'currency',
      'to',
      'type',
    ]);

    const calls = apiCalls(page);
    await context.setOffline(true);
    await actionButton(page, 'psea-approve').click();
    await waitForState(page, 'psea-approve', 'stored');
    expect(calls).toEqual([]); // the ceremony makes no request at all
    expect(await status(page)).toContain('stored on this device. Not verified yet');
    const proofs = (await events(page)).filter((e) => e.type === 'psea-proof');
    expect(proofs).toHaveLength(1);
    const proof = proofs[0]!.detail.proof as {
      action: unknown;
      display: unknown;
      statement: Record<string, unknown>;
    };
    expect(proof.action).toEqual(TRANSFER);
    expect(proof.display).toEqual(TRANSFER_DISPLAY);
    expect(proof.statement).toMatchObject({
      v: 1,
      sub: d.user,
      aud: 'payments-api',
      mode: 'offline',
      nonce: g.grants[0]!.nonce,
      dsp: expect.any(String),
    });
    expect(await axe(page)).toEqual([]);
    await shot(page, 'offline-stored');

    // Reload with no network: the page comes from the service worker's cache, the proof from IndexedDB.
    const reloaded = await page.reload();
    expect(await reloaded!.headerValue('x-from-cache')).toBe('1');
    await waitForState(page, 'psea-approve', 'stored');
    // Chromium reports navigator.onLine true in a document its service worker served during
    // offline emulation, so the widget may try to send: every try fails in the browser, and
    // the proof stays. None reached the service.
    await expect.poll(() => calls.every((c) => c.reached === false)).toBe(true);
    await waitForState(page, 'psea-approve', 'stored');
    const tried = calls.length;

    await context.setOffline(false);
    // That document never saw itself offline, so it hears no `online` event: the host's own
    // signal calls send() (the widget also tries again every 30 s). The event is tested below.
    await page
      .locator('psea-approve')
      .evaluate((el: HTMLElement & { send(): Promise<void> }) => el.send());
    await waitForState(page, 'psea-approve', 'done');
    expect(await status(page)).toContain('Verified');
    expect(calls.slice(tried)).toEqual([{ call: 'POST /v1/offline-proofs', reached: true }]);
    const approved = (await events(page)).filter((e) => e.type === 'psea-approved');
    expect(approved).toHaveLength(1);
    const receipt = approved[0]!.detail.receipt as string;
    const { claims } = await verifyReceipt(receipt, {
      jwks: jwks as never,
      issuer: ctx.service,
      audience: 'payments-api',
      subject: d.user,
      action: TRANSFER,
      display: TRANSFER_DISPLAY,
      allowOffline: true,
    });
    expect(claims).toMatchObject({
      offline: true,
      signed_at: proof.statement.signed_at,
      nonce: g.grants[0]!.nonce,
    });
    await expect(
      verifyReceipt(receipt, {
        jwks: jwks as never,
        issuer: ctx.service,
        audience: 'payments-api',
        subject: d.user,
        action: TRANSFER,
      }),
    ).rejects.toMatchObject({ code: 'offline_not_allowed' });
    await shot(page, 'offline-verified');

    // The next approval takes the next grant: two proofs never share a nonce.
    await page.reload();
    await waitForState(page, 'psea-approve', 'ready');
    await context.setOffline(true);
    await actionButton(page, 'psea-approve').click();
    await waitForState(page, 'psea-approve', 'stored');
    const second = (await events(page)).find((e) => e.type === 'psea-proof')!.detail.proof as {
      statement: { nonce: string };
    };
    expect(second.statement.nonce).toBe(g.grants[1]!.nonce);

    // Meanwhile the same proof reaches the service twice at once by another way: one receipt.
    const post = () =>
      fetch(`${ctx.service}/v1/offline-proofs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(second),
      });
    const answers = await Promise.all([post(), post()]);
    const bodies = await Promise.all(
      answers.map((r) => r.json() as Promise<{ receipt?: string; code?: string }>),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(bodies.find((b) => b.code)!.code).toBe('ticket_used');
    const jti = (jwt: string) =>
      JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()).jti;
    const first = bodies.find((b) => !b.code)!.receipt!;
    // Back online (the `online` event), the widget's own copy gets the same receipt (the retry of a
    // taken proof is told it), not a second one.
    await context.setOffline(false);
    await waitForState(page, 'psea-approve', 'done');
    const again = (await events(page)).filter((e) => e.type === 'psea-approved');
    expect(again).toHaveLength(1);
    expect(jti(again[0]!.detail.receipt as string)).toBe(jti(first));
  });

  it("shows each refusal with its code: a grant used elsewhere, another user's, an expired bundle, a type it does not cover", async () => {
    const { page } = d;
    const g = await grants(d.user, 2);
    const refused = async (
      kept: { bundle: string; action?: unknown },
      code: string,
      sign = true,
    ): Promise<void> => {
      await host(page, { action: TRANSFER, ...kept });
      if (sign) {
        await waitForState(page, 'psea-approve', 'ready');
        await actionButton(page, 'psea-approve').click();
      }
      await waitForState(page, 'psea-approve', 'error');
      expect(
        (await events(page)).filter((e) => e.type === 'psea-error').map((e) => e.detail.code),
      ).toEqual([code]);
      expect(await status(page)).toBe(
        await page
          .locator('psea-approve')
          .evaluate((el: HTMLElement & { msg(k: string): string }, c) => el.msg(c), code),
      );
    };
    await page.goto(`${ctx.host}/offline`);

    // Used: another device (its own IndexedDB) signed on the first grant and was sent first.
    await host(page, { bundle: g.bundle, action: TRANSFER });
    await waitForState(page, 'psea-approve', 'ready');
    await actionButton(page, 'psea-approve').click();
    await waitForState(page, 'psea-approve', 'done');
    await page.goto(`${ctx.host}/blank`);
    await page.evaluate(
      () => new Promise((r) => (indexedDB.deleteDatabase('psea-offline').onsuccess = r)),
    );
    await page.goto(`${ctx.host}/offline`);
    await refused({ bundle: g.bundle }, 'ticket_used');

    // Another user's grant under this user's name: the service knows no such grant for this user.
    const other = await enrolledUser();
    const theirs = await grants(other, 2); // one for each of the two steps below
    await refused(
      { bundle: forge(g.bundle, { grants: theirs.grants.map((x) => x.nonce) }) },
      'ticket_not_found',
    );
    // Another user's bundle, signed with this user's passkey: not their credential.
    await refused(
      {
        bundle: forge(theirs.bundle, {
          creds: JSON.parse(Buffer.from(g.bundle.split('.')[1]!, 'base64url').toString()).creds,
        }),
      },
      'credential_unknown',
    );

    // Expired, and a type the grants do not cover: refused on the device, before any passkey prompt.
    await refused(
      { bundle: forge(g.bundle, { exp: Math.floor(Date.now() / 1000) - 1 }) },
      'ticket_expired',
      false,
    );
    await refused(
      { bundle: g.bundle, action: { type: 'door.open', door: '7' } },
      'policy_unmet',
      false,
    );
    expect(await actionButton(page, 'psea-approve').count()).toBe(0);
    expect(await axe(page)).toEqual([]);
  });
});

/** A second user whose passkey is on the same authenticator (so offline-grants has a credential to list). */
async function enrolledUser(): Promise<string> {
  const user = `${d.user}-other`;
  const { ticket } = await enrollment(user);
  await d.page.goto(`${ctx.host}/embed?kind=enroll&ticket=${encodeURIComponent(ticket)}`);
  await actionButton(d.page, 'psea-enroll').click();
  await waitForState(d.page, 'psea-enroll', 'done');
  await d.page.goto(`${ctx.host}/offline`);
  return user;
}
