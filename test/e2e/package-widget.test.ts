/**
 * `psea/widget` as a host app that bundles its own scripts uses it: the
 * packed `psea` installed into an empty project, `import 'psea/widget'`
 * bundled by esbuild from there (lit and @simplewebauthn/browser come from
 * that install), served by the host app on an allowed origin, and a real
 * passkey approval in Chromium whose receipt the installed `psea/receipt`
 * verifies.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_JS } from './host-server';
import {
  TRANSFER,
  actionButton,
  actionTicket,
  ctx,
  enrolledDevice,
  events,
  launch,
  waitForState,
} from './helpers';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;
let browser: Browser;
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'psea-host-app-'));
  const { stdout } = await run(
    'npm',
    ['pack', '-w', 'psea', '--pack-destination', dir, '--silent'],
    { cwd: ROOT, maxBuffer: 32 << 20 },
  );
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'host-app', private: true, type: 'module' }),
  );
  await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      join(dir, stdout.trim().split('\n').pop()!),
    ],
    { cwd: dir },
  );
  await writeFile(
    join(dir, 'app.js'),
    "import 'psea/widget';\nimport { PseaApprove } from 'psea/widget';\nwindow.approveClass = PseaApprove.name;\n",
  );
  await build({
    entryPoints: [join(dir, 'app.js')],
    bundle: true,
    format: 'esm',
    outfile: BUNDLED_JS,
    absWorkingDir: dir,
    logLevel: 'warning',
  });
  browser = await launch();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('psea/widget from the installed package, bundled by the host app', () => {
  it('defines <psea-approve>, runs a real approval, and the installed psea/receipt verifies the receipt', async () => {
    const d = await enrolledDevice(browser);
    const { ticket, actionHash } = await actionTicket(d.user);
    await d.page.goto(`${ctx.host}/bundled?ticket=${encodeURIComponent(ticket)}`);
    await waitForState(d.page, 'psea-approve', 'ready');
    expect(
      await d.page.evaluate(() => (window as unknown as { approveClass: string }).approveClass),
    ).toBe('PseaApprove');
    await actionButton(d.page, 'psea-approve').click();
    await waitForState(d.page, 'psea-approve', 'done');
    const approved = (await events(d.page)).find((e) => e.type === 'psea-approved');
    const receipt = approved!.detail.receipt as string;

    const jwks = await (await fetch(`${ctx.service}/.well-known/jwks.json`)).json();
    const script = `const { verifyReceipt } = await import('psea/receipt');
const r = await verifyReceipt(${JSON.stringify(receipt)}, { jwks: ${JSON.stringify(jwks)}, issuer: ${JSON.stringify(ctx.service)},
  audience: 'payments-api', subject: ${JSON.stringify(d.user)}, action: ${JSON.stringify(TRANSFER)} });
console.log(r.claims.act);`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: dir,
    });
    expect(stdout.trim()).toBe(actionHash);
    await d.context.close();
  });
});
