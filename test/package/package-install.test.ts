/**
 * `psea` as a backend installs it: `npm pack -w psea` (which builds through
 * `prepack`), the tarball installed into an empty project, every subpath
 * imported in plain Node, a consumer type-checked under `node16` and
 * `bundler`, publint and attw clean, and none of the service's toolchain
 * brought along. docs/library.md is the page a user reads.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;
const bin = (name: string) => join(ROOT, 'node_modules/.bin', name);
let dir = '';
let tarball = '';

/** What a backend must never get with a 16 KB receipt verifier. */
const FORBIDDEN = [
  'wrangler',
  'workerd',
  'miniflare',
  'hono',
  'zod',
  'vitest',
  'typescript',
  '@cloudflare',
  'playwright',
  'playwright-core',
];

const CONSUMER = `
import { verifyReceipt, hashAction, ReceiptError, type VerifiedReceipt } from 'psea/receipt';
import { verifyEvidence, EvidenceError, type EvidenceResult } from 'psea/evidence';
import { verifyOfflineProof, OfflineProofError } from 'psea/offline';
import { PseaClient, PseaError, verifyWebhook } from 'psea/client';
import type { PseaApprove, PseaApprovedDetail } from 'psea/widget';

export async function check(token: string): Promise<string> {
  const hash: string = await hashAction({ type: 'wire.transfer', amount: '1.00' });
  try {
    const r: VerifiedReceipt = await verifyReceipt(token, {
      jwks: { keys: [] }, issuer: 'https://a.example', audience: 'x', subject: 'u-1', actionHash: hash,
    });
    return r.claims.sub;
  } catch (err) {
    if (err instanceof ReceiptError) return err.code;
    throw err;
  }
}
export const kinds = [EvidenceError, OfflineProofError, PseaError, PseaClient, verifyEvidence, verifyOfflineProof, verifyWebhook];
export type R = EvidenceResult;
export function onApproved(el: PseaApprove, f: (d: PseaApprovedDetail) => void): void {
  el.addEventListener('psea-approved', (e) => f(e.detail));
}
export const tag: HTMLElementTagNameMap['psea-approve'] | null = null;
`;

const IMPORTS = `
const sub = {};
for (const s of ['receipt', 'evidence', 'offline', 'client']) sub[s] = Object.keys(await import('psea/' + s)).sort();
const r = await import('psea/receipt');
const e = await import('psea/evidence');
const err = await r.verifyReceipt('x.y.z', { jwks: { keys: [] }, issuer: 'i', audience: 'a', subject: 's', action: false }).catch((x) => x);
console.log(JSON.stringify({ sub, sameClass: err instanceof r.ReceiptError, code: err.code, evidenceHasReceiptError: 'ReceiptError' in e }));
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'psea-consumer-'));
  const { stdout } = await run(
    'npm',
    ['pack', '-w', 'psea', '--pack-destination', dir, '--silent'],
    { cwd: ROOT, maxBuffer: 32 << 20 },
  );
  tarball = join(dir, stdout.trim().split('\n').pop()!);
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  await run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', tarball], {
    cwd: dir,
    maxBuffer: 32 << 20,
  });
}, 240_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('npm pack -w psea, installed into an empty project', () => {
  it('ships built JavaScript and .d.ts only, with a CHANGELOG, a LICENSE and the bin', async () => {
    const pkg = join(dir, 'node_modules/psea');
    const files = (await readdir(join(pkg, 'dist'))).sort();
    expect(files).toEqual(
      expect.arrayContaining([
        'receipt.js',
        'receipt.d.ts',
        'evidence.js',
        'offline.js',
        'client.js',
        'widget.js',
        'widget.d.ts',
      ]),
    );
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    for (const f of ['CHANGELOG.md', 'LICENSE', 'bin/psea.mjs'])
      expect(existsSync(join(pkg, f)), f).toBe(true);
    expect(existsSync(join(pkg, 'src'))).toBe(false);
  });

  it('brings none of the service toolchain', async () => {
    const installed = new Set(await readdir(join(dir, 'node_modules')));
    for (const name of FORBIDDEN) expect(installed.has(name), name).toBe(false);
  });

  it('imports every subpath in Node, with one ReceiptError across subpaths', async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', IMPORTS], {
      cwd: dir,
    });
    const out = JSON.parse(stdout);
    expect(out.sub.receipt).toEqual(
      expect.arrayContaining(['verifyReceipt', 'hashAction', 'ReceiptError']),
    );
    expect(out.sub.evidence).toContain('verifyEvidence');
    expect(out.sub.offline).toContain('verifyOfflineProof');
    expect(out.sub.client).toEqual(
      expect.arrayContaining(['PseaClient', 'PseaError', 'verifyWebhook']),
    );
    expect(out.sameClass).toBe(true);
    expect(out.code).toBe('malformed');
  });

  it.each(['node16', 'bundler'])(
    'type-checks a consumer under moduleResolution %s',
    async (resolution) => {
      const module = resolution === 'node16' ? 'node16' : 'esnext';
      await writeFile(join(dir, 'consumer.ts'), CONSUMER);
      await writeFile(
        join(dir, `tsconfig.${resolution}.json`),
        JSON.stringify({
          compilerOptions: {
            module,
            moduleResolution: resolution,
            target: 'es2022',
            strict: true,
            noEmit: true,
            lib: ['es2023', 'dom'],
            types: [],
            skipLibCheck: false,
          },
          files: ['consumer.ts'],
        }),
      );
      const result = await run(bin('tsc'), ['-p', `tsconfig.${resolution}.json`], {
        cwd: dir,
      }).catch((e: { stdout: string }) => e);
      expect((result as { stdout: string }).stdout).toBe('');
    },
  );

  it('the bin prints its usage', async () => {
    const { stdout } = await run(join(dir, 'node_modules/.bin/psea'), ['--help'], { cwd: dir });
    expect(stdout).toMatch(/usage: psea verify/);
  });

  it('publint reports no error and attw (esm-only) no problem', async () => {
    const lint = await run(bin('publint'), ['run', join(ROOT, 'packages/psea'), '--strict'], {
      cwd: ROOT,
    });
    expect(lint.stdout).toMatch(/All good/);
    // attw exits non-zero on any problem its profile counts (ESM-only: node16 from ESM, bundler).
    const attw = await run(bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'json'], {
      cwd: ROOT,
      maxBuffer: 16 << 20,
    });
    const { analysis } = JSON.parse(attw.stdout) as {
      analysis: { problems: { kind: string; resolutionKind: string }[] };
    };
    const counted = analysis.problems.filter(
      (p) => p.resolutionKind === 'node16-esm' || p.resolutionKind === 'bundler',
    );
    expect(counted).toEqual([]);
  });
});
