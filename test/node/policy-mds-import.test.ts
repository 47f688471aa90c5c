/**
 * `npm run mds:import`: the script an operator runs on a downloaded MDS3
 * BLOB. It must write the compact metadata only for a BLOB that verifies,
 * and by default only under the FIDO MDS root.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCert, signJws } from '../support/test-ca';

const run = promisify(execFile);
const AAGUID = '2fc0579f-8113-47ea-b116-bb5a8db9202a';
const base64 = (der: Uint8Array) => isoBase64URL.fromBuffer(new Uint8Array(der), 'base64');

let dir: string;
let root: TestCert;
let signer: TestCert;

async function importBlob(
  jwt: string,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = join(dir, `blob-${Math.random().toString(36).slice(2)}.jwt`);
  await writeFile(file, jwt);
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['scripts/mds-import.mjs', file, ...args],
      { timeout: 60_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function blob(no: number): Promise<string> {
  const payload = {
    legalHeader: 'test',
    no,
    nextUpdate: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
    entries: [
      {
        aaguid: AAGUID,
        metadataStatement: { description: 'PSEA Test Key', attestationRootCertificates: [] },
        statusReports: [{ status: 'REVOKED' }],
        timeOfLastStatusChange: '2024-01-01',
      },
    ],
  };
  return signJws({ typ: 'JWT', x5c: [base64(signer.der)] }, payload, signer.keys.privateKey);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'psea-mds-test-'));
  root = await TestCert.root('Test MDS Root');
  signer = await root.issue({ C: 'US', O: 'Test Metadata Service', CN: 'mds.test' });
  await writeFile(join(dir, 'root.pem'), root.pem);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('scripts/mds-import.mjs', () => {
  it('writes the compact metadata for a BLOB that verifies under the given root', async () => {
    const out = join(dir, 'metadata.json');
    const r = await importBlob(await blob(7), '--root', join(dir, 'root.pem'), '--out', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/BLOB no\. 7 verified; 1 models \(1 refused by status\)/);
    const file = JSON.parse(await readFile(out, 'utf8'));
    expect(file).toMatchObject({
      no: 7,
      entries: { [AAGUID]: { name: 'PSEA Test Key', statuses: ['REVOKED'], roots: [] } },
    });
  }, 60_000);

  it('refuses the same BLOB under the shipped FIDO MDS root, and writes nothing', async () => {
    const out = join(dir, 'never.json');
    const r = await importBlob(await blob(8), '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/refused: BLOB certificate chain does not reach the MDS root/);
    await expect(readFile(out, 'utf8')).rejects.toThrow();
  }, 60_000);

  it('refuses a tampered BLOB', async () => {
    const [h, , s] = (await blob(9)).split('.');
    const forged = isoBase64URL.fromBuffer(
      new TextEncoder().encode(
        JSON.stringify({ legalHeader: '', no: 10, nextUpdate: '2999-01-01', entries: [] }),
      ),
    );
    const r = await importBlob(
      `${h}.${forged}.${s}`,
      '--root',
      join(dir, 'root.pem'),
      '--out',
      join(dir, 'forged.json'),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/signature does not verify/);
  }, 60_000);
});
