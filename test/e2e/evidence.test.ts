/**
 * Evidence end to end: a real passkey (Chromium's virtual authenticator)
 * approves in the embedded widget against `wrangler dev`, and the bundle the
 * service serves passes `psea verify` (packages/psea/bin/psea.mjs), with the log key
 * pinned from the secret the run was started with, and a checkpoint kept from
 * before the approval, and a second verifier that shares no code with worker/;
 * a bent copy fails. The auditor of examples/evidence-audit/
 * runs against it too: it sees the log grow, and a rewritten one.
 */
import { buildPackage } from '../support/build-package.ts';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logOrigin, parseSignerKey, signCheckpoint } from '../../packages/psea/src/log/index.ts';
import { verifyIndependently } from '../node/independent-evidence';
import {
  actionButton,
  actionTicket,
  ctx,
  embedUrl,
  enrolledDevice,
  launch,
  server,
  waitForState,
} from './helpers';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
let browser: Browser;
let dir = '';

beforeAll(async () => {
  browser = await launch();
  dir = await mkdtemp(join(tmpdir(), 'psea-e2e-evidence-'));
  // The CLI imports dist/evidence, as after npm run build.
  await buildPackage();
});
afterAll(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

async function psea(
  bundle: unknown,
  extra: string[] = [],
): Promise<{ code: number; lines: string[] }> {
  const file = join(dir, `bundle-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(bundle));
  const args = [
    'packages/psea/bin/psea.mjs',
    'verify',
    file,
    '--rp-id',
    'localhost',
    '--origin',
    ctx.service,
    '--origin',
    ctx.host,
    '--log-key',
    ctx.logKey,
    '--jwks',
    `${ctx.service}/.well-known/jwks.json`,
    ...extra,
  ];
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
    const kept = (
      await server<{ checkpoint: string }>(`/v1/users/${encodeURIComponent(d.user)}/log`)
    ).data.checkpoint;
    const checkpointFile = join(dir, 'known.txt');
    await writeFile(checkpointFile, kept);

    const { ticket } = await actionTicket(d.user);
    expect((await server(`/v1/actions/${ticket}/evidence`)).data).toMatchObject({
      code: 'not_approved',
    });
    await d.page.goto(embedUrl('approve', ticket));
    await actionButton(d.page, 'psea-approve').click();
    await waitForState(d.page, 'psea-approve', 'done');

    const { status, data: bundle } = await server<Record<string, any>>(
      `/v1/actions/${ticket}/evidence?since=1`,
    );
    expect(status).toBe(200);
    const ok = await psea(bundle, ['--checkpoint', checkpointFile, '--subject', d.user]);
    expect(ok.lines).toEqual([
      'pass statement',
      'pass challenge',
      'pass authenticator',
      'pass signature',
      'pass enrollment',
      'pass log',
      'pass receipt',
      'pass custody: root first at 0',
    ]);
    expect(ok.code).toBe(0);
    // Without the kept checkpoint the root is not anchored: exit 1, unless the RP allows it.
    expect((await psea(bundle)).code).toBe(1);
    expect((await psea(bundle, ['--allow-unanchored'])).code).toBe(0);

    // And by a second verifier sharing no code with worker/ (simplewebauthn + node:crypto).
    await verifyIndependently(bundle, {
      rpId: 'localhost',
      origins: [ctx.service, ctx.host],
      logKey: ctx.logKey,
      knownCheckpoint: kept,
    });

    const bent = await psea({ ...bundle, action: { ...bundle.action, amount: '9999.00' } });
    expect(bent.code).toBe(1);
    expect(bent.lines[0]).toMatch(/^fail statement/);
    await d.context.close();
  });
});

async function audit(
  stateFile: string,
  ...users: string[]
): Promise<{ code: number; out: string }> {
  const env = {
    ...process.env,
    PSEA_URL: ctx.service,
    PSEA_API_KEY: ctx.apiKey,
    PSEA_LOG_KEY: ctx.logKey,
  };
  try {
    const { stdout } = await run(
      process.execPath,
      ['examples/evidence-audit/audit.mjs', stateFile, ...users],
      { cwd: root, env },
    );
    return { code: 0, out: stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

describe('the log auditor (examples/evidence-audit/audit.mjs)', () => {
  it('keeps the last checkpoint per user, sees the log only grow and reports new entries; a rewritten log fails', async () => {
    const d = await enrolledDevice(browser);
    const stateFile = join(dir, 'checkpoints.json');
    const first = await audit(stateFile, d.user);
    expect(first.out).toContain(`${d.user} #0 enrolled`);
    expect(first.out).toContain('a passkey was added (approved by first)');
    expect(first.out).toContain(`${d.user}: the log grew from 0 to 1 entries`);
    expect(first.code).toBe(0);

    const { ticket } = await actionTicket(d.user);
    await d.page.goto(embedUrl('approve', ticket));
    await actionButton(d.page, 'psea-approve').click();
    await waitForState(d.page, 'psea-approve', 'done');
    const second = await audit(stateFile, d.user);
    expect(second.out).toContain(`${d.user} #1 approved`);
    expect(second.out).not.toContain('#0');
    expect(second.out).toContain('the log grew from 1 to 2 entries; nothing before was changed');
    expect(second.code).toBe(0);

    // What a kept checkpoint looks like when the service later shows another history of size 1:
    // signed by the very log key, for this user, with another root.
    const signer = await parseSignerKey(ctx.logSigner);
    const forked = await signCheckpoint(
      { origin: await logOrigin(signer.name, d.user), size: 1, root: new Uint8Array(32).fill(7) },
      signer,
    );
    await writeFile(stateFile, JSON.stringify({ [d.user]: forked }));
    const third = await audit(stateFile, d.user);
    expect(third.out).toContain(`${d.user}: RE-WRITTEN OR FORKED LOG`);
    expect(third.code).toBe(1);
    const kept = JSON.parse(await readFile(stateFile, 'utf8'));
    expect(kept[d.user]).toBe(forked);
    expect(kept[`${d.user} (rewritten)`]).toMatchObject({
      kept: forked,
      served: expect.stringContaining('\n2\n'),
    });
    await d.context.close();
  });
});
