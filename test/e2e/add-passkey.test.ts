/**
 * SPEC v2 "Adding a passkey needs an existing passkey", in Chromium. A person
 * holds passkey A on their device. A thief with their session reaches the
 * host app's "add a passkey" page and registers authenticator B (a security
 * key, Chromium's CDP virtual authenticator on `usb`): `<psea-enroll>` shows
 * the approval step, and with only B at hand it cannot finish, nor can B
 * approve a transfer. When A approves, B is enrolled and approves from then
 * on. Embedded on a host page, and on the hosted /enroll/:ticket page.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyEvidence } from '../../packages/psea/src/evidence/index.ts';
import { verifyIndependently } from '../node/independent-evidence';
import {
  actionButton,
  actionTicket,
  addAuthenticator,
  axe,
  ctx,
  device,
  embedUrl,
  enrollment,
  events,
  launch,
  newUser,
  passkeysOn,
  recordEvents,
  restoreAuthenticator,
  server,
  shot,
  waitForState,
  type Device,
} from './helpers';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const b64url = (b64: string): string =>
  b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

interface Listed {
  id: string;
  state: string;
  approvedBy: string | null;
}
const listed = async (user: string): Promise<Listed[]> =>
  (await server<{ credentials: Listed[] }>(`/v1/users/${user}/credentials`)).data.credentials;

/** The element's step and the rows it shows, as text. */
async function shown(page: Page) {
  const el = page.locator('psea-enroll');
  return {
    step: await el.getAttribute('step'),
    title: await el.locator('[part~="title"]').textContent(),
    values: await el.locator('[part~="value"]').allTextContents(),
    status: await el.locator('[part~="status"]').textContent(),
  };
}

/** The person enrolls A on `url`; then A's authenticator leaves and the thief's key B is plugged in. */
async function personThenThief(d: Device, enrollUrl: string) {
  await d.page.goto(enrollUrl);
  await actionButton(d.page, 'psea-enroll').click();
  await waitForState(d.page, 'psea-enroll', 'done');
  const [enrolled] = await events(d.page);
  const passkeyA = await passkeysOn(d, d.authenticatorId);
  expect(passkeyA.map((p) => b64url(p.credentialId))).toEqual([
    (enrolled!.detail as { credentialId: string }).credentialId,
  ]);
  await d.cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: d.authenticatorId });
  const keyB = await addAuthenticator(d, 'usb');
  return { a: b64url(passkeyA[0]!.credentialId), passkeyA, keyB };
}

/**
 * Press the button with only the thief's key at hand: the browser asks for one
 * of the account's passkeys (A, on this device's platform authenticator), B
 * cannot answer, and nothing is posted. The thief gives up (a reload ends the
 * prompt), and the element is ready for the approval again.
 */
async function cannotApprove(d: Device, tag: 'psea-enroll' | 'psea-approve'): Promise<void> {
  const posts: string[] = [];
  const record = (r: { method(): string; url(): string }) =>
    r.method() === 'POST' && posts.push(r.url());
  d.page.on('request', record);
  await actionButton(d.page, tag).click();
  await waitForState(d.page, tag, 'waiting');
  await d.page.waitForTimeout(1000);
  expect(await d.page.locator(tag).getAttribute('state')).toBe('waiting');
  expect(posts).toEqual([]);
  d.page.off('request', record);
  await d.page.reload();
  await waitForState(d.page, tag, 'ready');
}

/** Create B through the element: the service holds it, and the element turns to the approval step. */
async function registerHeld(d: Device, url: string, keyB: string): Promise<string> {
  await d.page.goto(url);
  await waitForState(d.page, 'psea-enroll', 'ready');
  expect((await shown(d.page)).step).toBe('create');
  await actionButton(d.page, 'psea-enroll').click();
  await expect.poll(async () => (await shown(d.page)).step).toBe('approve');
  await waitForState(d.page, 'psea-enroll', 'ready');
  // The same button, still focused, now starts the approval: a keyboard user goes on with Enter.
  expect(
    await d.page.evaluate(() =>
      document.querySelector('psea-enroll')?.shadowRoot?.activeElement?.getAttribute('part'),
    ),
  ).toBe('action');
  const [b] = await passkeysOn(d, keyB);
  return b64url(b!.credentialId);
}

describe('a second passkey, held until an existing one approves it', () => {
  it("embedded: the thief's key B is held, cannot finish nor approve a transfer; A approves it, then B works", async () => {
    const d = await device(browser);
    await recordEvents(d.context);
    const user = newUser('thief');
    const { a, passkeyA, keyB } = await personThenThief(
      d,
      embedUrl('enroll', (await enrollment(user)).ticket),
    );

    // The thief, on the host app's "add a passkey" page.
    const { ticket } = await enrollment(user);
    const b = await registerHeld(d, embedUrl('enroll', ticket), keyB);
    const view = await shown(d.page);
    expect(view.title).toBe('Add a passkey to your account');
    expect(view.values).toEqual([
      `Ada Lovelace · ${user}@example.com`,
      'an unrecognized passkey',
      'Yes: it cannot leave its device (as the passkey itself reports)',
      expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    ]);
    expect(view.status).toContain('approve it with a passkey you already have');
    expect(await actionButton(d.page, 'psea-enroll').textContent()).toContain(
      'Approve with an existing passkey',
    );
    // Only the registration's answer so far: no enrolled event.
    expect(await events(d.page)).toEqual([]);
    expect((await listed(user)).map((c) => [c.id, c.state])).toEqual([
      [a, 'active'],
      [b, 'pending'],
    ]);
    await shot(d.page, 'add-passkey-held');
    expect(await axe(d.page)).toEqual([]);

    // With only B at hand the approval cannot be given: B is not among the passkeys asked for.
    // The reload shows the page resumes at the approval step.
    await cannotApprove(d, 'psea-enroll');
    expect((await shown(d.page)).step).toBe('approve');
    expect((await listed(user)).find((c) => c.id === b)?.state).toBe('pending');

    // Nor can B approve the thief's transfer.
    const transfer = await actionTicket(user, {
      action: {
        type: 'wire.transfer',
        amount: '9999.00',
        currency: 'EUR',
        to: 'LT60 1010 0123 4567 8901',
      },
    });
    await d.page.goto(embedUrl('approve', transfer.ticket));
    await waitForState(d.page, 'psea-approve', 'ready');
    await cannotApprove(d, 'psea-approve');
    expect((await server(`/v1/actions/${transfer.ticket}/status`)).data).toEqual({
      state: 'pending',
    });

    // The person's device with A is back.
    const backA = await restoreAuthenticator(d, passkeyA);
    await d.page.goto(embedUrl('enroll', ticket));
    await waitForState(d.page, 'psea-enroll', 'ready');
    expect((await shown(d.page)).step).toBe('approve');
    await actionButton(d.page, 'psea-enroll').click();
    await waitForState(d.page, 'psea-enroll', 'done');
    expect(await events(d.page)).toEqual([
      { type: 'psea-enrolled', detail: { credentialId: b, deviceBound: true } },
    ]);
    expect((await listed(user)).map((c) => [c.id, c.state, c.approvedBy])).toEqual([
      [a, 'active', 'first'],
      [b, 'active', a],
    ]);
    // What an RP keeps: the checkpoint right after B's enrollment (its credential.enrolled webhook carries one).
    const kept = (await server<{ checkpoint: string }>(`/v1/users/${encodeURIComponent(user)}/log`))
      .data.checkpoint;
    await shot(d.page, 'add-passkey-approved');

    // From now on B approves, the transfer it could not approve before included.
    await d.cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: backA });
    await d.page.goto(embedUrl('approve', transfer.ticket));
    await actionButton(d.page, 'psea-approve').click();
    await waitForState(d.page, 'psea-approve', 'done');
    const approved = (await events(d.page)).find((e) => e.type === 'psea-approved');
    const claims = JSON.parse(
      Buffer.from((approved!.detail.receipt as string).split('.')[1]!, 'base64url').toString(),
    );
    expect(claims.cred.id).toBe(b);

    // B's evidence carries one link of custody: A's signed approval of exactly B, back to A's first enrollment.
    const size = Number(kept.split('\n')[1]);
    const { data: bundle } = await server<Record<string, any>>(
      `/v1/actions/${transfer.ticket}/evidence?since=${size}`,
    );
    expect(
      bundle.custody.map((l: { added: string; approver: { id: string } }) => [
        l.added,
        l.approver.id,
      ]),
    ).toEqual([[b, a]]);
    const options = {
      rpId: 'localhost',
      origins: [ctx.service, ctx.host],
      logKey: ctx.logKey,
      knownCheckpoint: kept,
    };
    const result = await verifyEvidence(bundle, options);
    expect(result.checks.at(-1)).toMatchObject({
      name: 'custody',
      result: 'pass',
      root: 'first',
      rootIndex: 0,
    });
    expect(result.ok).toBe(true);
    await verifyIndependently(bundle, options);
    await d.context.close();
  });

  it('a thief who first revokes every passkey is still held, and the element says nobody can approve', async () => {
    const d = await device(browser);
    await recordEvents(d.context);
    const user = newUser('revoked');
    const { a } = await personThenThief(d, embedUrl('enroll', (await enrollment(user)).ticket));
    expect((await server(`/v1/users/${user}/credentials/${a}`, undefined, 'DELETE')).status).toBe(
      204,
    );

    await d.page.goto(embedUrl('enroll', (await enrollment(user)).ticket));
    await actionButton(d.page, 'psea-enroll').click();
    await waitForState(d.page, 'psea-enroll', 'error');
    expect((await shown(d.page)).step).toBe('approve');
    expect(await events(d.page)).toEqual([
      {
        type: 'psea-error',
        detail: { code: 'no_approver', message: expect.stringContaining('recover') },
      },
    ]);
    expect(await actionButton(d.page, 'psea-enroll').count()).toBe(0);
    expect((await listed(user)).map((c) => c.state)).toEqual(['revoked', 'pending']);
    await shot(d.page, 'add-passkey-no-approver');
    expect(await axe(d.page)).toEqual([]);
    await d.context.close();
  });

  it('hosted /enroll/:ticket: the same two steps, the approval by keyboard', async () => {
    const d = await device(browser, { viewport: { width: 390, height: 844 } });
    await recordEvents(d.context);
    const user = newUser('hosted-add');
    const { a, passkeyA, keyB } = await personThenThief(d, (await enrollment(user)).enrollUrl);

    const { enrollUrl } = await enrollment(user);
    const b = await registerHeld(d, enrollUrl, keyB);
    expect(await d.page.locator('#heading').textContent()).toBe('Set up a passkey');
    await shot(d.page, 'hosted-add-passkey-held');
    expect(await axe(d.page)).toEqual([]);
    await cannotApprove(d, 'psea-enroll');
    expect((await listed(user)).find((c) => c.id === b)?.state).toBe('pending');

    // A approves, from the keyboard.
    await restoreAuthenticator(d, passkeyA);
    await actionButton(d.page, 'psea-enroll').focus();
    await d.page.keyboard.press('Enter');
    await waitForState(d.page, 'psea-enroll', 'done');
    expect((await events(d.page)).map((e) => e.type)).toEqual(['psea-enrolled']);
    await expect.poll(() => d.page.locator('#heading').textContent()).toBe('Passkey created');
    expect((await listed(user)).find((c) => c.id === b)).toMatchObject({
      state: 'active',
      approvedBy: a,
    });
    await shot(d.page, 'hosted-add-passkey-approved');
    expect(await axe(d.page)).toEqual([]);
    await d.context.close();
  });
});
