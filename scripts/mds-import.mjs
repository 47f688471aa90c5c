#!/usr/bin/env node
/**
 * Import FIDO Metadata Service (MDS3) data for the Worker, offline.
 *
 *   curl -sSLo blob.jwt https://mds3.fidoalliance.org/
 *   npm run mds:import -- blob.jwt
 *
 * Verifies the BLOB (a JWT) before trusting a byte of it: its certificate
 * chain must reach the FIDO MDS root (GlobalSign Root CA - R3, shipped in
 * worker/attestation/mds-root.ts) and its signature must verify under the
 * chain's leaf. Then writes worker/attestation/metadata.json: per AAGUID the
 * model's name, its status reports and its attestation roots. Deploy after
 * importing; the Worker reads that file and never the network.
 *
 * Options:
 *   --out <file>     where to write (default worker/attestation/metadata.json)
 *   --root <pem>     trust this root instead of the FIDO MDS root (tests)
 *   --allow-stale    accept a BLOB whose nextUpdate has passed
 *
 * The verification code is worker/attestation/mds-blob.ts, bundled here with
 * esbuild so the script and the tests run the same code.
 */
import { build } from 'esbuild';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function usage(message) {
  console.error(
    `mds:import: ${message}\nusage: npm run mds:import -- <blob.jwt> [--out file] [--root root.pem] [--allow-stale]`,
  );
  process.exit(2);
}

/** Load worker/attestation/mds-blob.ts as a Node module. */
async function loadVerifier() {
  const out = await build({
    entryPoints: [join(root, 'worker/attestation/mds-blob.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
  const dir = await mkdtemp(join(tmpdir(), 'psea-mds-'));
  const file = join(dir, 'mds-blob.mjs');
  await writeFile(file, out.outputFiles[0].text);
  try {
    return await import(pathToFileURL(file).href);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string', default: join(root, 'worker/attestation/metadata.json') },
    root: { type: 'string' },
    'allow-stale': { type: 'boolean', default: false },
  },
});
if (positionals.length !== 1) usage('give exactly one BLOB file');

const blob = await readFile(resolve(positionals[0]), 'utf8').catch(() =>
  usage(`cannot read ${positionals[0]}`),
);
const roots = values.root ? [await readFile(resolve(values.root), 'utf8')] : undefined;
const { verifyMetadataBlob, compactMetadata, REFUSED_STATUSES } = await loadVerifier();
try {
  const payload = await verifyMetadataBlob(blob, { roots, allowStale: values['allow-stale'] });
  const file = compactMetadata(payload, new Date());
  await writeFile(resolve(values.out), `${JSON.stringify(file, null, 1)}\n`);
  const refused = Object.values(file.entries).filter((e) =>
    e.statuses.some((s) => REFUSED_STATUSES.has(s)),
  ).length;
  console.log(
    `mds:import: BLOB no. ${payload.no} verified; ${Object.keys(file.entries).length} models (${refused} refused by status) written to ${values.out}; next update due ${payload.nextUpdate}`,
  );
} catch (err) {
  console.error(`mds:import: refused: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
