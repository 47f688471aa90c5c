/**
 * Builds everything the bench serves or imports, into bench/.tmp/ (gitignored):
 *
 *   bundle/index.js     the real Worker: `wrangler deploy --dry-run --outdir` (after the widget build)
 *   cpu/index.js        bench/workers/cpu-worker.js: the real Worker + /__bench/* batch routes (esbuild, wrangler's settings)
 *   baseline/index.js   bench/workers/baseline-worker.js: stateless baseline, floor and empty routes
 *   node/soft-auth.mjs  test/support/soft-authenticator.ts for Node
 *   node/receipt.mjs    packages/psea/src/receipt (psea/receipt) and worker/receipts (signing) for Node, jose left external
 *   node/evidence.mjs   packages/psea/src/evidence (psea/evidence) and the log's tree, for figure 7
 */
import { execFile } from 'node:child_process';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';

const run = promisify(execFile);

/** esbuild as wrangler bundles a Worker (conditions, main fields, externals); not minified, as wrangler's default. */
const workerOptions = {
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  conditions: ['workerd', 'worker', 'browser'],
  mainFields: ['browser', 'module', 'main'],
  external: ['cloudflare:*'],
  logLevel: 'warning',
  legalComments: 'none',
};

export async function buildAll(root, tmp, log) {
  const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true', NO_COLOR: '1' };
  await run(process.execPath, [join(root, 'scripts/build-widget.mjs')], { cwd: root, env });
  log('built widget (scripts/build-widget.mjs)');

  const bundleDir = join(tmp, 'bundle');
  await rm(bundleDir, { recursive: true, force: true });
  await run(
    process.execPath,
    [
      join(root, 'node_modules/wrangler/bin/wrangler.js'),
      'deploy',
      '--dry-run',
      '--outdir',
      bundleDir,
    ],
    {
      cwd: root,
      env,
      maxBuffer: 16 << 20,
    },
  );
  const size = (await stat(join(bundleDir, 'index.js'))).size;
  log(`built the real Worker with wrangler deploy --dry-run (${(size / 1024).toFixed(0)} KiB)`);

  await Promise.all([
    // A source map beside it, for --only=profile (lib/profile-figure.mjs); workerd ignores it.
    build({
      ...workerOptions,
      entryPoints: [join(root, 'bench/workers/cpu-worker.js')],
      outfile: join(tmp, 'cpu/index.js'),
      sourcemap: 'external',
    }),
    build({
      ...workerOptions,
      entryPoints: [join(root, 'bench/workers/baseline-worker.js')],
      outfile: join(tmp, 'baseline/index.js'),
    }),
    build({
      entryPoints: [join(root, 'test/support/soft-authenticator.ts')],
      outfile: join(tmp, 'node/soft-auth.mjs'),
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      logLevel: 'warning',
    }),
    build({
      // psea/receipt plus what the Worker signs with, which psea/receipt does not export.
      stdin: {
        contents:
          "export * from './packages/psea/src/receipt/index.ts';\n" +
          ['sign-receipt', 'signing-keys']
            .map((f) => `export * from './worker/receipts/${f}.ts';`)
            .join('\n') +
          "\nexport { randomId } from './worker/lib/random-id.ts';",
        resolveDir: root,
        loader: 'ts',
      },
      outfile: join(tmp, 'node/receipt.mjs'),
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      logLevel: 'warning',
    }),
    build({
      // psea/evidence and the log's tree, for figure 7.
      stdin: {
        contents:
          "export * from './packages/psea/src/evidence/index.ts';\nexport { MerkleTree, MemoryLogStore, encodeHashes } from './packages/psea/src/log/index.ts';",
        resolveDir: root,
        loader: 'ts',
      },
      outfile: join(tmp, 'node/evidence.mjs'),
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      logLevel: 'warning',
    }),
  ]);
  await mkdir(join(tmp, 'node'), { recursive: true });
  log('built bench workers and Node helpers (esbuild)');
  return {
    bundle: join(bundleDir, 'index.js'),
    cpu: join(tmp, 'cpu/index.js'),
    baseline: join(tmp, 'baseline/index.js'),
  };
}
