/**
 * The elements embedded in a host app on a second allowed origin
 * (http://localhost:<host port>), loading widget.js cross-origin from the
 * service, as an RP's page does. Events are heard on `document`.
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
  embedUrl,
  enrolledDevice,
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

describe('embedded in a host app on another allowed origin', () => {
  it('enrolls, then approves, with the script loaded twice; the receipt verifies', async () => {
    const d = await device(browser);
    await recordEvents(d.context);
    const errors: string[] = [];
    d.page.on('pageerror', (e) => errors.push(e.message));
    const user = newUser('embed');
    const { ticket: enrollTicket } = await enrollment(user);
    await d.page.goto(embedUrl('enroll', enrollTicket, '&twice'));
    await waitForState(d.page, 'psea-enroll', 'ready');
    await shot(d.page, 'embedded-enroll-ready');
    await actionButton(d.page, 'psea-enroll').click();
    await waitForState(d.page, 'psea-enroll', 'done');
    const [enrolled, ...more] = await events(d.page);
    expect(more).toEqual([]);
    expect(enrolled).toMatchObject({
      type: 'psea-enrolled',
      detail: { credentialId: expect.any(String), deviceBound: expect.any(Boolean) },
    });

    // The same single-use ticket again: a final error, no retry button.
    await d.page.reload();
    await waitForState(d.page, 'psea-enroll', 'error');
    expect((await events(d.page)).map((e) => e.detail.code)).toEqual(['ticket_used']);

    const { ticket, actionHash } = await actionTicket(user);
    await d.page.goto(embedUrl('approve', ticket, '&twice'));
    await waitForState(d.page, 'psea-approve', 'ready');
    // One round trip after the click, cross-origin too: a text/plain POST is a CORS
    // simple request (no preflight), and it is the only request the click makes.
    const after: { call: string; type: string | undefined }[] = [];
    d.page.on('request', (r) => {
      if (r.url().startsWith(ctx.service)) {
        after.push({
          call: `${r.method()} ${new URL(r.url()).pathname.replace(ticket, ':ticket')}`,
          type: r.headers()['content-type'],
        });
      }
    });
    await actionButton(d.page, 'psea-approve').click();
    await waitForState(d.page, 'psea-approve', 'done');
    expect(after.map((r) => r.call)).toEqual(['POST /v1/actions/:ticket/verify']);
    expect(after[0]!.type).toMatch(/^text\/plain/);
    const log = await events(d.page);
    expect(log.map((e) => e.type)).toEqual(['psea-approved']);
    const receipt = log[0]!.detail.receipt as string;
    await shot(d.page, 'embedded-approve-done');
    expect(errors).toEqual([]); // widget.js evaluated twice: the guarded define() keeps quiet

    const jwks = await (await fetch(`${ctx.service}/.well-known/jwks.json`)).json();
    // The host backend: its own user, the transfer it asked for, the display it sent.
    const { claims } = await verifyReceipt(receipt, {
      jwks,
      issuer: ctx.service,
      audience: 'payments-api',
      subject: user,
      action: TRANSFER,
      display: TRANSFER_DISPLAY,
    });
    expect(claims.act).toBe(actionHash);
    expect(claims.sub).toBe(user);
    expect(claims.cred.id).toBe(enrolled!.detail.credentialId);
    await d.context.close();
  });

  it('shows every state, announced in an aria-live region, and is themable from the host', async () => {
    const d = await enrolledDevice(browser);
    const { ticket } = await actionTicket(d.user);
    const status = () => d.page.locator('psea-approve [part~="status"]');

    // loading: hold the options back.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await d.page.route(`${ctx.service}/v1/actions/*`, async (route) => {
      if (route.request().method() === 'GET') await held;
      await route.continue();
    });
    await d.page.goto(embedUrl('approve', ticket, '&theme'));
    await waitForState(d.page, 'psea-approve', 'loading');
    expect(await status().textContent()).toContain('Loading');
    expect(await status().getAttribute('aria-live')).toBe('polite');
    await shot(d.page, 'state-loading');
    release();
    await waitForState(d.page, 'psea-approve', 'ready');
    await shot(d.page, 'state-ready-themed');
    const button = actionButton(d.page, 'psea-approve');
    expect(await button.evaluate((b) => getComputedStyle(b).textTransform)).toBe('uppercase');
    expect(await button.evaluate((b) => getComputedStyle(b).backgroundColor)).toBe(
      'rgb(109, 40, 217)',
    );
    await d.page.unroute(`${ctx.service}/v1/actions/*`);

    // waiting: the authenticator does not answer while presence is not simulated.
    await d.cdp.send('WebAuthn.setAutomaticPresenceSimulation', {
      authenticatorId: d.authenticatorId,
      enabled: false,
    });
    await button.click();
    await waitForState(d.page, 'psea-approve', 'waiting');
    expect(await status().textContent()).toContain('Confirm with your passkey');
    expect(await button.getAttribute('aria-disabled')).toBe('true');
    await shot(d.page, 'state-waiting');
    await button.dispatchEvent('click'); // ignored while waiting
    expect(await d.page.locator('psea-approve').getAttribute('state')).toBe('waiting');

    // verifying: a new ticket, the assertion held on its way to the service.
    await d.cdp.send('WebAuthn.setAutomaticPresenceSimulation', {
      authenticatorId: d.authenticatorId,
      enabled: true,
    });
    const second = await actionTicket(d.user);
    let releaseVerify!: () => void;
    const verifyHeld = new Promise<void>((r) => (releaseVerify = r));
    await d.page.route(`${ctx.service}/v1/actions/*/verify`, async (route) => {
      await verifyHeld;
      await route.continue();
    });
    await d.page.goto(embedUrl('approve', second.ticket));
    await actionButton(d.page, 'psea-approve').click();
    await waitForState(d.page, 'psea-approve', 'verifying');
    expect(await status().textContent()).toContain('Verifying');
    await shot(d.page, 'state-verifying');
    releaseVerify();
    await waitForState(d.page, 'psea-approve', 'done');
    expect(await status().textContent()).toContain('Approved');
    await shot(d.page, 'state-approved');
    expect(await axe(d.page)).toEqual([]);
    expect((await events(d.page)).map((e) => e.type)).toEqual(['psea-approved']);
    await d.context.close();
  });

  it('a click while the options load is kept: the ceremony starts when they arrive', async () => {
    const d = await enrolledDevice(browser);
    const { ticket } = await actionTicket(d.user);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await d.page.route(`${ctx.service}/v1/actions/*`, async (route) => {
      if (route.request().method() === 'GET') await held;
      await route.continue();
    });
    await d.page.goto(embedUrl('approve', ticket));
    await waitForState(d.page, 'psea-approve', 'loading');
    await actionButton(d.page, 'psea-approve').dispatchEvent('click');
    release();
    await waitForState(d.page, 'psea-approve', 'done');
    expect((await events(d.page)).map((e) => e.type)).toEqual(['psea-approved']);
    await d.context.close();
  });

  it('a kept click never carries over to another ticket, nor past a failed load', async () => {
    const d = await enrolledDevice(browser);
    const posts: string[] = [];
    d.page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/verify')) posts.push(r.url());
    });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await d.page.route(`${ctx.service}/v1/actions/*`, async (route) => {
      if (route.request().method() === 'GET') await held;
      await route.continue();
    });
    const setTicket = (t: string) =>
      d.page
        .locator('psea-approve')
        .evaluate((el: HTMLElement & { ticket: string }, v) => (el.ticket = v), t);

    // A click while an unknown ticket loads; the load fails for good; the host sets a new ticket.
    await d.page.goto(embedUrl('approve', 'no-such-ticket'));
    await waitForState(d.page, 'psea-approve', 'loading');
    await actionButton(d.page, 'psea-approve').dispatchEvent('click');
    release();
    await waitForState(d.page, 'psea-approve', 'error');
    const a = await actionTicket(d.user);
    await setTicket(a.ticket);
    await waitForState(d.page, 'psea-approve', 'ready');

    // A click while ticket B loads, then the host switches to ticket C before B arrives.
    let releaseB!: () => void;
    const heldB = new Promise<void>((r) => (releaseB = r));
    const b = await actionTicket(d.user);
    await d.page.route(`${ctx.service}/v1/actions/${b.ticket}`, async (route) => {
      await heldB;
      await route.continue();
    });
    await setTicket(b.ticket);
    await waitForState(d.page, 'psea-approve', 'loading');
    await actionButton(d.page, 'psea-approve').dispatchEvent('click');
    const c = await actionTicket(d.user);
    await setTicket(c.ticket);
    releaseB();
    await waitForState(d.page, 'psea-approve', 'ready');
    await d.page.waitForTimeout(1000);

    expect(posts).toEqual([]);
    for (const t of [a, b, c])
      expect((await server(`/v1/actions/${t.ticket}/status`)).data).toEqual({ state: 'pending' });
    await d.context.close();
  });

  it('user verification off: psea-error user_verification_required, no receipt, retry possible', async () => {
    const d = await enrolledDevice(browser);
    // The authenticator answers, but with the UV flag clear.
    await d.cdp.send('WebAuthn.setResponseOverrideBits', {
      authenticatorId: d.authenticatorId,
      isBadUV: true,
    });
    const { ticket } = await actionTicket(d.user);
    await d.page.goto(embedUrl('approve', ticket));
    await actionButton(d.page, 'psea-approve').click();
    await waitForState(d.page, 'psea-approve', 'error');
    expect(await events(d.page)).toEqual([
      {
        type: 'psea-error',
        detail: { code: 'user_verification_required', message: expect.any(String) },
      },
    ]);
    expect((await server(`/v1/actions/${ticket}/status`)).data).toEqual({ state: 'pending' });
    await shot(d.page, 'state-error-retry');
    expect(await axe(d.page)).toEqual([]);

    // A 422 leaves the ticket pending: once the device verifies the person, the retry succeeds.
    await d.cdp.send('WebAuthn.setResponseOverrideBits', {
      authenticatorId: d.authenticatorId,
      isBadUV: false,
    });
    const retry = actionButton(d.page, 'psea-approve');
    expect(await retry.textContent()).toContain('Try again');
    await retry.click();
    await waitForState(d.page, 'psea-approve', 'done');
    expect((await events(d.page)).map((e) => e.type)).toEqual(['psea-error', 'psea-approved']);
    await d.context.close();
  });

  it('the person cancels: psea-cancel, nothing signed, and trying again works', async () => {
    const d = await enrolledDevice(browser);
    // The person fails or dismisses the verification prompt: the browser throws NotAllowedError.
    await d.cdp.send('WebAuthn.setUserVerified', {
      authenticatorId: d.authenticatorId,
      isUserVerified: false,
    });
    const { ticket } = await actionTicket(d.user);
    await d.page.goto(embedUrl('approve', ticket));
    await actionButton(d.page, 'psea-approve').click();
    await waitForState(d.page, 'psea-approve', 'cancelled');
    expect(await events(d.page)).toEqual([{ type: 'psea-cancel', detail: {} }]);
    expect((await server(`/v1/actions/${ticket}/status`)).data).toEqual({ state: 'pending' });
    expect(await d.page.locator('psea-approve [part~="status"]').textContent()).toContain(
      'Nothing was signed',
    );
    await shot(d.page, 'state-cancelled');
    expect(await axe(d.page)).toEqual([]);

    await d.cdp.send('WebAuthn.setUserVerified', {
      authenticatorId: d.authenticatorId,
      isUserVerified: true,
    });
    await actionButton(d.page, 'psea-approve').click();
    await waitForState(d.page, 'psea-approve', 'done');
    expect((await events(d.page)).map((e) => e.type)).toEqual(['psea-cancel', 'psea-approved']);
    await d.context.close();
  });

  it('removed while the passkey prompt is open: the prompt is cancelled, nothing is signed, the page can approve again', async () => {
    const d = await enrolledDevice(browser);
    const posts: string[] = [];
    d.page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/verify')) posts.push(r.url());
    });
    const { ticket } = await actionTicket(d.user);
    await d.page.goto(embedUrl('approve', ticket));
    await waitForState(d.page, 'psea-approve', 'ready');
    // The prompt stays open: the authenticator waits for a touch that has not come.
    await d.cdp.send('WebAuthn.setAutomaticPresenceSimulation', {
      authenticatorId: d.authenticatorId,
      enabled: false,
    });
    await d.page.locator('psea-approve').evaluate((el) => {
      const seen: { type: string; code?: string }[] = ((
        window as unknown as { detached: unknown[] }
      ).detached = []) as never;
      for (const type of ['psea-approved', 'psea-error', 'psea-cancel']) {
        el.addEventListener(type, (e) =>
          seen.push({ type, code: (e as CustomEvent<{ code?: string }>).detail.code }),
        );
      }
    });
    await actionButton(d.page, 'psea-approve').click();
    await waitForState(d.page, 'psea-approve', 'waiting');
    await d.page.locator('psea-approve').evaluate((el) => el.remove());
    await d.page.waitForFunction(
      () => (window as unknown as { detached: unknown[] }).detached.length > 0,
      null,
      { timeout: 5000 },
    );
    expect(
      await d.page.evaluate(() => (window as unknown as { detached: unknown[] }).detached),
    ).toEqual([{ type: 'psea-error', code: 'ERROR_CEREMONY_ABORTED' }]);
    await d.cdp.send('WebAuthn.setAutomaticPresenceSimulation', {
      authenticatorId: d.authenticatorId,
      enabled: true,
    });
    await d.page.waitForTimeout(1000);
    expect(posts).toEqual([]);
    expect((await server(`/v1/actions/${ticket}/status`)).data).toEqual({ state: 'pending' });

    // Nothing is left hanging: a new element on the same page approves its own ticket.
    const next = await actionTicket(d.user);
    await d.page.evaluate(
      ([endpoint, t]) => {
        const el = document.createElement('psea-approve');
        el.setAttribute('endpoint', endpoint!);
        el.setAttribute('ticket', t!);
        document.body.append(el);
      },
      [ctx.service, next.ticket],
    );
    await waitForState(d.page, 'psea-approve', 'ready');
    await actionButton(d.page, 'psea-approve').click();
    await waitForState(d.page, 'psea-approve', 'done');
    expect(posts).toHaveLength(1);
    await d.context.close();
  });

  it('moved while the passkey prompt is open: the prompt stays', async () => {
    const d = await enrolledDevice(browser);
    const { ticket } = await actionTicket(d.user);
    await d.page.goto(embedUrl('approve', ticket));
    await waitForState(d.page, 'psea-approve', 'ready');
    await d.cdp.send('WebAuthn.setAutomaticPresenceSimulation', {
      authenticatorId: d.authenticatorId,
      enabled: false,
    });
    await actionButton(d.page, 'psea-approve').click();
    await waitForState(d.page, 'psea-approve', 'waiting');
    await d.page.locator('psea-approve').evaluate((el) => {
      const box = document.createElement('section');
      document.body.append(box);
      box.append(el);
    });
    await d.page.waitForTimeout(1000);
    expect(await d.page.locator('psea-approve').getAttribute('state')).toBe('waiting');
    expect(await events(d.page)).toEqual([]);
    await d.context.close();
  });

  it('a host that sets a new ticket and calls start() at once approves that ticket, with its own options', async () => {
    const d = await enrolledDevice(browser);
    const a = await actionTicket(d.user);
    await d.page.goto(embedUrl('approve', a.ticket));
    await waitForState(d.page, 'psea-approve', 'ready');
    const b = await actionTicket(d.user);
    await d.page
      .locator('psea-approve')
      .evaluate((el: HTMLElement & { ticket: string; start(): Promise<void> }, t) => {
        el.ticket = t;
        void el.start();
      }, b.ticket);
    await waitForState(d.page, 'psea-approve', 'done');
    expect((await events(d.page)).map((e) => e.type)).toEqual(['psea-approved']);
    expect((await server(`/v1/actions/${b.ticket}/status`)).data).toMatchObject({
      state: 'approved',
    });
    expect((await server(`/v1/actions/${a.ticket}/status`)).data).toEqual({ state: 'pending' });
    await d.context.close();
  });

  it('shows a title and fields holding markup as text, never as HTML', async () => {
    const d = await enrolledDevice(browser);
    const markup = '<img src=x onerror="window.pwned=1"><b>bold</b>';
    const { ticket } = await actionTicket(d.user, {
      action: { type: 'note.send', body: markup },
      display: { title: `Title ${markup}`, fields: [{ label: '<i>label</i>', value: markup }] },
    });
    await d.page.goto(embedUrl('approve', ticket));
    await waitForState(d.page, 'psea-approve', 'ready');
    const el = d.page.locator('psea-approve');
    expect(await el.locator('[part~="title"]').textContent()).toBe(`Title ${markup}`);
    expect(await el.locator('[part~="label"]').textContent()).toBe('<i>label</i>');
    expect(await el.locator('[part~="value"]').textContent()).toBe(markup);
    expect(await el.evaluate((e) => e.shadowRoot!.querySelectorAll('img, b, i').length)).toBe(0);
    expect(
      await d.page.evaluate(() => (window as unknown as { pwned?: number }).pwned),
    ).toBeUndefined();
    await shot(d.page, 'markup-as-text');

    // Every message can be overridden, by property or by a JSON attribute.
    await el.evaluate((e) =>
      e.setAttribute('messages', JSON.stringify({ approve: 'Freigeben', ready: 'Bitte prüfen.' })),
    );
    await expect
      .poll(() => actionButton(d.page, 'psea-approve').textContent())
      .toContain('Freigeben');
    expect(await el.locator('[part~="status"]').textContent()).toContain('Bitte prüfen.');
    await d.context.close();
  });

  it('a ticket the service does not know: psea-error ticket_not_found, no retry', async () => {
    const d = await device(browser);
    await recordEvents(d.context);
    await d.page.goto(embedUrl('approve', 'no-such-ticket'));
    await waitForState(d.page, 'psea-approve', 'error');
    expect((await events(d.page)).map((e) => e.detail.code)).toEqual(['ticket_not_found']);
    expect(await actionButton(d.page, 'psea-approve').count()).toBe(0);
    await shot(d.page, 'state-error-final');
    await d.context.close();
  });
});
