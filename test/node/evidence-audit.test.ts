/**
 * The auditor of examples/evidence-audit/ against a service that lies: a local server answers the
 * log routes from a log the test controls, signed by the log key, as an operator holding that key
 * could. The operator's forgery of issue 23 (an approval by a key never enrolled, appended to the
 * victim's real log) keeps the log consistent, so only the replay catches it: exit 1, flagged.
 * Then replay.mjs on its own, for every flag docs/evidence.md lists.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sha256 } from '@noble/hashes/sha2.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPackage } from '../support/build-package.ts';
import {
  encodeHashes,
  generateSignerKey,
  logOrigin,
  MemoryLogStore,
  parseSignerKey,
  signCheckpoint,
  TransparencyLog,
  verifierKeyOf,
  type LogEntry,
} from '../../packages/psea/src/log/index.ts';
// @ts-expect-error -- a plain .mjs example, with no types
import { replay } from '../../examples/evidence-audit/replay.mjs';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const USER = 'victim-1';
const NAME = 'approve.psea.example/psea';
let server: Server;
let url = '';
let dir = '';
let signerKey = '';
const log = new TransparencyLog(new MemoryLogStore(), (d) => sha256(d));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'psea-audit-'));
  signerKey = await generateSignerKey(NAME);
  await buildPackage(); // audit.mjs imports psea/evidence
  const signer = await parseSignerKey(signerKey);
  const checkpoint = async () =>
    signCheckpoint(
      { origin: await logOrigin(NAME, USER), size: log.size(), root: log.root() },
      signer,
    );
  server = createServer(async (req, res) => {
    const u = new URL(req.url!, 'http://x');
    const answer = u.pathname.endsWith('/log/consistency')
      ? {
          checkpoint: await checkpoint(),
          proof: encodeHashes(log.consistencyProof(Number(u.searchParams.get('from')))),
        }
      : {
          checkpoint: await checkpoint(),
          entries: log.entries(
            Number(u.searchParams.get('start') ?? 0),
            Number(u.searchParams.get('end') ?? log.size()),
          ),
        };
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(answer));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  server?.close();
  await rm(dir, { recursive: true, force: true });
});

async function audit(): Promise<{ code: number; out: string }> {
  const env = {
    ...process.env,
    PSEA_URL: url,
    PSEA_API_KEY: 'k',
    PSEA_LOG_KEY: await verifierKeyOf(signerKey),
  };
  try {
    const { stdout } = await run(
      process.execPath,
      ['examples/evidence-audit/audit.mjs', join(dir, 'state.json'), USER],
      { cwd: root, env },
    );
    return { code: 0, out: stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

const at = 1_767_225_600;
const enrolled = (cred: string, approvedBy: string, extra = {}): LogEntry => ({
  v: 1,
  kind: 'enrolled',
  at,
  sub: USER,
  cred,
  key: `k-${cred}`,
  aaguid: '00000000-0000-0000-0000-000000000000',
  attested: false,
  approvedBy,
  ...extra,
});
const approved = (cred: string): LogEntry => ({
  v: 1,
  kind: 'approved',
  at,
  sub: USER,
  cred,
  challenge: 'c',
  act: 'a',
  aud: 'payments-api',
  jti: `j-${cred}`,
});

describe("the auditor and the operator's forgery", () => {
  it('the real log passes; the forged approval appended to it is flagged and exits 1', async () => {
    log.append(enrolled('victim-passkey-0001', 'first'));
    log.append(approved('victim-passkey-0001'));
    const first = await audit();
    expect(first.out).toContain(
      `${USER}: the log grew from 0 to 2 entries; nothing before was changed`,
    );
    expect(first.out).not.toContain('FLAGGED');
    expect(first.code).toBe(0);

    log.append(approved('operator-own-key-0001'));
    const second = await audit();
    // The log only grew: its proofs hold. The replay is what refuses it.
    expect(second.out).toContain('the log grew from 2 to 3 entries');
    expect(second.out).toContain(
      `${USER} #2 FLAGGED: an approval by operator-own-key-0001, which has no earlier enrolled entry`,
    );
    expect(second.code).toBe(1);
  });
});

describe('the replay flags', () => {
  const flags = (entries: LogEntry[]) =>
    replay(entries.map((entry, index) => ({ index, entry }))).map(
      (f: { index: number; why: string }) => `${f.index}: ${f.why}`,
    );

  it('nothing in an honest history', () => {
    expect(
      flags([
        enrolled('A', 'first'),
        approved('A'),
        enrolled('B', 'A', { approval: { challenge: 'x' } }),
        approved('B'),
        { v: 1, kind: 'revoked', at, sub: USER, cred: 'A' },
        approved('B'),
      ]),
    ).toEqual([]);
  });

  it('approvals by a credential never enrolled, revoked or locked before it', () => {
    expect(
      flags([
        enrolled('A', 'first'),
        approved('X'),
        { v: 1, kind: 'revoked', at, sub: USER, cred: 'A' },
        approved('A'),
      ]),
    ).toEqual([
      '1: an approval by X, which has no earlier enrolled entry',
      '3: an approval by A, which was revoked before it',
    ]);
    expect(
      flags([
        enrolled('A', 'first'),
        { v: 1, kind: 'locked', at, sub: USER, cred: 'A' },
        approved('A'),
      ]),
    ).toEqual(['2: an approval by A, which was locked before it']);
  });

  it('an enrollment approved by a credential not active at that point', () => {
    expect(
      flags([
        enrolled('A', 'first'),
        enrolled('B', 'Z'),
        { v: 1, kind: 'revoked', at, sub: USER, cred: 'A' },
        enrolled('C', 'A'),
      ]),
    ).toEqual([
      '1: enrollment approved by Z, which was never enrolled at that point',
      '3: enrollment approved by A, which was revoked at that point',
    ]);
  });

  it('a first anywhere but entry 0, every recovery and open', () => {
    expect(
      flags([
        enrolled('A', 'first'),
        enrolled('B', 'first'),
        enrolled('C', 'recovery'),
        enrolled('D', 'open'),
      ]),
    ).toEqual([
      '1: a "first" enrollment that is not entry 0',
      "2: a recovery: enrolled without any passkey's approval (check it against your own records)",
      "3: enrolled under the open policy, without any passkey's approval",
    ]);
  });

  it("migrated entries outside the migration's one run", () => {
    const v2 = [enrolled('A', 'first'), enrolled('B', 'A'), approved('B')];
    expect(
      flags([...v2, enrolled('A2', 'migrated'), enrolled('B', 'migrated'), approved('B')]),
    ).toEqual([]);
    expect(
      flags([
        ...v2,
        enrolled('B', 'migrated'),
        approved('B'),
        enrolled('X', 'migrated'),
        approved('X'),
      ]),
    ).toEqual(['5: a migrated entry outside the one run a migration writes']);
  });
});
