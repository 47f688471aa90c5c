/**
 * A quorum end to end in Chromium (docs/quorum.md): three people, each with
 * their own virtual authenticator, enroll on the hosted page; an agent asks
 * for two of them with psea/client and waits with waitForQuorum. The first
 * approves on the hosted page and is told whom the quorum still waits for,
 * the second in the element embedded in a host page and is told everyone
 * needed has approved; the third is shown that nothing is left to approve.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PseaClient } from '../../packages/psea/src/client/index.ts';
import { verifyReceipt } from '../../packages/psea/src/receipt/index.ts';
import {
  TRANSFER,
  actionButton,
  ctx,
  device,
  embedUrl,
  enrollment,
  events,
  launch,
  newUser,
  recordEvents,
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

async function person(label: string): Promise<Device & { user: string }> {
  const d = await device(browser);
  await recordEvents(d.context);
  const user = newUser(label);
  await d.page.goto((await enrollment(user)).enrollUrl);
  await actionButton(d.page, 'psea-enroll').click();
  await waitForState(d.page, 'psea-enroll', 'done');
  return { ...d, user };
}

const status = (d: Device) => d.page.locator('psea-approve [part~="status"]').textContent();

describe('a quorum in the browser', () => {
  it('two of three approve on the hosted page and in the embedded element while the agent waits; the third sees it is done', async () => {
    const [ana, ben, cy] = [await person('q-ana'), await person('q-ben'), await person('q-cy')];
    const psea = new PseaClient({ baseUrl: ctx.service, apiKey: ctx.apiKey });
    const agent = newUser('q-agent');
    const q = await psea.requestQuorum({
      initiator: agent,
      action: TRANSFER,
      audience: 'payments-api',
      groups: [
        {
          name: 'Finance',
          users: [
            { id: ana.user, name: 'Ana' },
            { id: ben.user, name: 'Ben' },
            { id: cy.user, name: 'Cy' },
          ],
          required: 2,
        },
      ],
    });
    const waiting = new PseaClient({ baseUrl: ctx.service }).waitForQuorum(q.quorum, {
      timeoutMs: 50_000,
      statusToken: q.statusToken,
    });
    const urlOf = (p: { user: string }) => q.approvers.find((a) => a.user === p.user)!;

    // Ana, on the hosted page: who asked, the group, then "waiting for 1 more".
    await ana.page.goto(urlOf(ana).approveUrl);
    await waitForState(ana.page, 'psea-approve', 'ready');
    const quorum = ana.page.locator('psea-approve [part~="quorum"]');
    await expect.poll(() => quorum.textContent()).toContain(agent);
    expect(await quorum.textContent()).toMatch(/Finance.*needs 2.*Ana.*Ben.*Cy/s);
    await shot(ana.page, 'quorum-hosted-ready');
    await actionButton(ana.page, 'psea-approve').click();
    await waitForState(ana.page, 'psea-approve', 'done');
    await expect.poll(() => status(ana)).toContain('Approved — waiting for 1 more of Finance');
    expect(
      await ana.page.locator('psea-approve [part~="quorum-user"][data-approved]').allTextContents(),
    ).toEqual([expect.stringContaining('Ana')]);
    const [anaEvent] = await events(ana.page).then((e) =>
      e.filter((x) => x.type === 'psea-approved'),
    );
    expect(anaEvent!.detail).toEqual({
      quorum: { id: q.quorum, state: 'pending', groups: [{ required: 2, approved: [ana.user] }] },
    });
    await shot(ana.page, 'quorum-hosted-waiting');

    // Ben, in the element a host page embeds: the approval that meets it, with the receipt.
    await ben.page.goto(embedUrl('approve', urlOf(ben).ticket));
    await waitForState(ben.page, 'psea-approve', 'ready');
    await actionButton(ben.page, 'psea-approve').click();
    await waitForState(ben.page, 'psea-approve', 'done');
    await expect.poll(() => status(ben)).toContain('Approved by everyone needed');
    const benEvent = (await events(ben.page)).find((x) => x.type === 'psea-approved')!;
    expect(benEvent.detail).toMatchObject({
      receipt: expect.any(String),
      quorum: { state: 'approved' },
    });

    // Cy: nothing left to approve, said as a reason, with no button to retry.
    await cy.page.goto(urlOf(cy).approveUrl);
    await waitForState(cy.page, 'psea-approve', 'error');
    expect(await status(cy)).toContain('Already approved by everyone needed');
    expect(await actionButton(cy.page, 'psea-approve').count()).toBe(0);
    await expect
      .poll(() => cy.page.locator('#heading').textContent())
      .toBe('Nothing more to approve');
    await shot(cy.page, 'quorum-hosted-closed');

    // The agent, woken; its backend checks the receipt against its own groups.
    const done = await waiting;
    expect(done.state).toBe('approved');
    expect(done.receipt).toBe(benEvent.detail.receipt);
    const jwks = await (await fetch(`${ctx.service}/.well-known/jwks.json`)).json();
    const { claims } = await verifyReceipt(done.receipt!, {
      jwks,
      issuer: ctx.service,
      audience: 'payments-api',
      subject: agent,
      action: TRANSFER,
      quorum: { groups: [{ users: [ana.user, ben.user, cy.user], required: 2 }] },
    });
    expect(claims.apv.map((a) => a.sub)).toEqual([ana.user, ben.user]);

    // Its evidence, checked by `npx psea verify` with the groups the backend requires.
    const bundle = await (
      await fetch(`${ctx.service}/v1/quorums/${q.quorum}/evidence`, {
        headers: { authorization: `Bearer ${ctx.apiKey}` },
      })
    ).json();
    const dir = await mkdtemp(join(tmpdir(), 'psea-quorum-'));
    await writeFile(join(dir, 'bundle.json'), JSON.stringify(bundle));
    await writeFile(
      join(dir, 'groups.json'),
      JSON.stringify({ groups: [{ users: [ana.user, ben.user, cy.user], required: 2 }] }),
    );
    const args = [
      'packages/psea/bin/psea.mjs',
      'verify',
      join(dir, 'bundle.json'),
      '--rp-id',
      'localhost',
      '--origin',
      ctx.service,
      '--origin',
      ctx.host,
      '--log-key',
      ctx.logKey,
      '--subject',
      agent,
      '--quorum',
      join(dir, 'groups.json'),
      '--allow-unanchored',
    ];
    const { stdout } = await promisify(execFile)(process.execPath, args, {
      cwd: join(import.meta.dirname, '..', '..'),
    });
    expect(stdout).toContain('pass quorum');
    expect(stdout).toContain(`${ben.user}: pass signature`);
  });
});
