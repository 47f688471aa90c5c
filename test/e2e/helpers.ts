/**
 * Browser helpers for the e2e tests: Debian's Chromium through playwright-core
 * (never a downloaded browser), a CDP virtual authenticator per page, the
 * server API as a host backend calls it, and screenshots as test artifacts.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type CDPSession,
  type Locator,
  type Page,
} from 'playwright-core';
import { inject } from 'vitest';

export const ctx = inject('psea');
const root = join(import.meta.dirname, '..', '..');
export const ARTIFACTS = join(root, 'test-results', 'e2e');

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-dev-shm-usage',
    ],
  });
}

export interface AuthenticatorOptions {
  isUserVerified?: boolean;
  automaticPresenceSimulation?: boolean;
  /** Make new credentials synced passkeys: BE and BS set (default: device-bound, both clear). */
  synced?: boolean;
}

export interface Device {
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
  authenticatorId: string;
}

/** A fresh context and page with a CTAP2 platform authenticator that verifies the user. */
export async function device(
  browser: Browser,
  opts: AuthenticatorOptions & {
    colorScheme?: 'light' | 'dark';
    viewport?: { width: number; height: number };
  } = {},
): Promise<Device> {
  const context = await browser.newContext({
    colorScheme: opts.colorScheme ?? 'light',
    viewport: opts.viewport ?? { width: 1000, height: 800 },
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: authenticatorOptions('internal', opts),
  });
  return { context, page, cdp, authenticatorId };
}

/** The options of `WebAuthn.addVirtualAuthenticator` that `device` uses, for any transport. */
const authenticatorOptions = (transport: 'internal' | 'usb', opts: AuthenticatorOptions = {}) => ({
  protocol: 'ctap2' as const,
  transport,
  hasResidentKey: true,
  hasUserVerification: true,
  isUserVerified: opts.isUserVerified ?? true,
  automaticPresenceSimulation: opts.automaticPresenceSimulation ?? true,
  ...(opts.synced ? { defaultBackupEligibility: true, defaultBackupState: true } : {}),
});

/** Another authenticator on a device's page: Chromium allows one `internal`, so a second is a security key (`usb`). */
export async function addAuthenticator(
  d: Device,
  transport: 'internal' | 'usb' = 'usb',
): Promise<string> {
  const { authenticatorId } = await d.cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: authenticatorOptions(transport),
  });
  return authenticatorId;
}

/** The passkeys an authenticator holds, private keys included (to put them back later with `restoreAuthenticator`). */
export async function passkeysOn(d: Device, authenticatorId: string) {
  return (await d.cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
}

/** Put an internal authenticator back with the passkeys it held: the person's device returns. */
export async function restoreAuthenticator(
  d: Device,
  passkeys: Awaited<ReturnType<typeof passkeysOn>>,
): Promise<string> {
  const id = await addAuthenticator(d, 'internal');
  for (const credential of passkeys)
    await d.cdp.send('WebAuthn.addCredential', { authenticatorId: id, credential });
  return id;
}

/** Call a server route with the API key, as the host backend does. */
export async function server<T = Record<string, unknown>>(
  path: string,
  body?: unknown,
  method = body === undefined ? 'GET' : 'POST',
): Promise<{ status: number; data: T }> {
  const res = await fetch(`${ctx.service}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ctx.apiKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, data: (await res.json().catch(() => null)) as T };
}

let seq = 0;
/** A user id no other test uses. */
export const newUser = (label: string): string =>
  `e2e-${label}-${Date.now().toString(36)}-${++seq}`;

export async function enrollment(userId: string): Promise<{ ticket: string; enrollUrl: string }> {
  const { status, data } = await server<{ ticket: string; enrollUrl: string }>('/v1/enrollments', {
    user: { id: userId, name: `${userId}@example.com`, displayName: 'Ada Lovelace' },
  });
  if (status !== 201) throw new Error(`POST /v1/enrollments: ${status} ${JSON.stringify(data)}`);
  return data;
}

export const TRANSFER = {
  type: 'wire.transfer',
  amount: '1250.00',
  currency: 'EUR',
  to: 'DE89 3704 0044 0532 0130 00',
};

/** The display sent with TRANSFER unless a test gives another. */
export const TRANSFER_DISPLAY = {
  title: 'Send €1,250.00',
  fields: [
    { label: 'To', value: TRANSFER.to },
    { label: 'Amount', value: '€1,250.00' },
  ],
};

export async function actionTicket(
  userId: string,
  extra: { display?: unknown; action?: Record<string, unknown> } = {},
): Promise<{ ticket: string; approveUrl: string; actionHash: string; dsp: string }> {
  const { status, data } = await server<{
    ticket: string;
    approveUrl: string;
    actionHash: string;
    dsp: string;
  }>('/v1/actions', {
    user: { id: userId },
    action: extra.action ?? TRANSFER,
    display: extra.display ?? TRANSFER_DISPLAY,
    audience: 'payments-api',
  });
  if (status !== 201) throw new Error(`POST /v1/actions: ${status} ${JSON.stringify(data)}`);
  return data;
}

/** The element's primary button, by its part, as the held-out suite finds it. */
export const actionButton = (page: Page, tag: 'psea-approve' | 'psea-enroll'): Locator =>
  page.locator(`${tag} [part~="action"]`);

/** Resolve with the next `type` event seen on `document`. Call before acting. */
export async function nextEvent<T = unknown>(page: Page, type: string): Promise<() => Promise<T>> {
  const key = `__next_${type.replace(/-/g, '_')}`;
  await page.evaluate(
    ({ type, key }) => {
      const w = window as unknown as Record<string, Promise<unknown>>;
      w[key] = new Promise((resolve) =>
        document.addEventListener(type, (e) => resolve((e as CustomEvent).detail), { once: true }),
      );
    },
    { type, key },
  );
  return () => page.evaluate((key) => (window as unknown as Record<string, Promise<T>>)[key]!, key);
}

/** Events recorded by the host page (host-server.ts) or by `recordEvents`. */
export const events = (page: Page): Promise<{ type: string; detail: Record<string, unknown> }[]> =>
  page.evaluate(
    () =>
      (window as unknown as { events: { type: string; detail: Record<string, unknown> }[] }).events,
  );

/** Record every PSEA event on `window.events` from the start of each navigation. */
export async function recordEvents(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as { events: unknown[] };
    w.events = [];
    for (const t of ['psea-approved', 'psea-enrolled', 'psea-error', 'psea-cancel', 'psea-proof']) {
      document.addEventListener(t, (e) =>
        w.events.push({ type: t, detail: (e as CustomEvent).detail }),
      );
    }
  });
}

/** Wait until the element reflects `state`; on timeout, say what it shows instead. */
export async function waitForState(
  page: Page,
  tag: string,
  state: string,
  timeout = 15_000,
): Promise<void> {
  try {
    await page.locator(`${tag}[state="${state}"]`).waitFor({ timeout });
  } catch (err) {
    const seen = await page
      .locator(tag)
      .evaluate(
        (el) => `${el.getAttribute('state')}: ${el.shadowRoot?.textContent?.replace(/\s+/g, ' ')}`,
      )
      .catch(() => 'no element');
    throw new Error(`${tag} did not reach state ${state}; it is ${seen}`, { cause: err });
  }
}

export async function shot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

let axeSource: string | undefined;
/** axe-core over the whole page, shadow roots included; returns the violations. */
export async function axe(page: Page): Promise<
  {
    id: string;
    impact: string;
    help: string;
    nodes: { target: unknown; failureSummary?: string }[];
  }[]
> {
  axeSource ??= await readFile(
    createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
    'utf8',
  );
  if (!(await page.evaluate(() => 'axe' in window))) {
    // The hosted pages' CSP forbids inline script; evaluate it instead of a script tag.
    await page.evaluate(axeSource);
  }
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: unknown[] }> };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations as never;
  });
}

/** A host page on the second allowed origin embedding `kind` for `ticket`. */
export const embedUrl = (kind: 'enroll' | 'approve', ticket: string, extra = ''): string =>
  `${ctx.host}/embed?kind=${kind}&ticket=${encodeURIComponent(ticket)}${extra}`;

/** A device whose authenticator holds a passkey for a new user, enrolled through the embedded element. */
export async function enrolledDevice(
  browser: Browser,
  opts: Parameters<typeof device>[1] = {},
): Promise<Device & { user: string }> {
  const d = await device(browser, opts);
  await recordEvents(d.context);
  const user = newUser('embedded');
  const { ticket } = await enrollment(user);
  await d.page.goto(embedUrl('enroll', ticket));
  await actionButton(d.page, 'psea-enroll').click();
  await waitForState(d.page, 'psea-enroll', 'done');
  return { ...d, user };
}
