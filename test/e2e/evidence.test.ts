/**
 * Evidence end to end: a real passkey (Chromium's virtual authenticator)
 * approves in the embedded widget against `wrangler dev`, and the bundle the
 * service serves passes `psea verify` (scripts/psea-cli.mjs), with the log key
 * pinned from the secret the run was started with, and a checkpoint kept from
 * before the approval; a bent copy fails.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionButton, actionTicket, ctx, embedUrl, enrolledDevice, launch, server, waitForState } from './helpers';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
let browser: Browser;
let dir = '';

beforeAll(async () => {
  browser = await launch();
  dir = await mkdtemp(join(tmpdir(), 'psea-e2e-evidence-'));
  // The CLI imports dist/evidence, as after npm run build.
  await run(process.execPath, ['scripts/build-evidence.mjs'], { cwd: root });
});
afterAll(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

async function psea(bundle: unknown, extra: string[] = []): Promise<{ code: number; lines: string[] }> {
  const file = join(dir, `bundle-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(bundle));
  const args = ['scripts/psea-cli.mjs', 'verify', file, '--rp-id', 'localhost', '--origin', ctx.service, '--origin', ctx.host, '--log-key', ctx.logKey, '--jwks', `${ctx.service}/.well-known/jwks.json`, ...extra];
  try {
    const { stdout } = await run(process.execPath, args, { cwd: root });
    return { code: 0, lines: stdout.trim().split('\n') };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, lines: e.stdout.trim().split('\n') };
  }
}

describe('an evidence bundle from the running service', () => {
  it('passes npx psea verify with the pinned log key and a kept checkpoint; a bent one fails', async () => {
    const published = await (await fetch(`${ctx.service}/.well-known/psea-log-key`)).text();
    expect(published.split('\n')[0]).toBe(ctx.logKey);

    const d = await enrolledDevice(browser);
    const kept = (await server<{ checkpoint: string }>(`/v1/users/${encodeURIComponent(d.user)}/log`)).data.checkpoint;
    const checkpointFile = join(dir, 'known.txt');
    await writeFile(checkpointFile, kept);

    const { ticket } = await actionTicket(d.user);
    expect((await server(`/v1/actions/${ticket}/evidence`)).data).toMatchObject({ code: 'not_approved' });
    await d.page.goto(embedUrl('approve', ticket));
    await actionButton(d.page, 'psea-approve').click();
    await waitForState(d.page, 'psea-approve', 'done');

    const { status, data: bundle } = await server<Record<string, any>>(`/v1/actions/${ticket}/evidence?since=1`);
    expect(status).toBe(200);
    const ok = await psea(bundle, ['--checkpoint', checkpointFile, '--subject', d.user]);
    expect(ok.lines).toEqual(['pass statement', 'pass challenge', 'pass authenticator', 'pass signature', 'pass enrollment', 'pass log', 'pass receipt']);
    expect(ok.code).toBe(0);

    const bent = await psea({ ...bundle, action: { ...bundle.action, amount: '9999.00' } });
    expect(bent.code).toBe(1);
    expect(bent.lines[0]).toMatch(/^fail statement/);
    await d.context.close();
  });
});
