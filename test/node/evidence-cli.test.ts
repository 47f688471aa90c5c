/** `psea verify` (packages/psea/bin/psea.mjs, on the built dist/evidence.js) against valid and failing vectors: lines and exit codes. */
import { buildPackage } from '../support/build-package.ts';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'psea-cli-'));
  // The CLI imports ../dist/evidence.js; build exactly what npm run build builds.
  await buildPackage();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The vector's options as flags: its kept checkpoint (unless `noCheckpoint`), its custody roots, and `extra`. */
async function cli(vector: string, extra: string[] = [], { noCheckpoint = false } = {}) {
  const v = JSON.parse(
    await readFile(join(root, 'test/vectors/evidence', `${vector}.json`), 'utf8'),
  );
  const bundle = join(dir, `${vector}.json`);
  const jwks = join(dir, `${vector}.jwks.json`);
  const known = join(dir, `${vector}.checkpoint`);
  await writeFile(bundle, JSON.stringify(v.bundle));
  await writeFile(jwks, JSON.stringify(v.options.jwks));
  const flags = [
    '--rp-id',
    v.options.rpId,
    ...v.options.origins.flatMap((o: string) => ['--origin', o]),
    '--log-key',
    v.options.logKey,
    '--jwks',
    jwks,
  ];
  if (v.options.knownCheckpoint && !noCheckpoint) {
    await writeFile(known, v.options.knownCheckpoint);
    flags.push('--checkpoint', known);
  }
  if (v.options.custodyRoots) flags.push('--custody-roots', v.options.custodyRoots.join(','));
  if (v.options.allowUnanchored) flags.push('--allow-unanchored');
  try {
    const { stdout } = await run(
      process.execPath,
      ['packages/psea/bin/psea.mjs', 'verify', bundle, ...flags, ...extra],
      { cwd: root },
    );
    return { code: 0, lines: stdout.trim().split('\n') };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, lines: e.stdout.trim().split('\n'), stderr: e.stderr };
  }
}

const PASSES = [
  'pass statement',
  'pass challenge',
  'pass authenticator',
  'pass signature',
  'pass enrollment',
  'pass log',
  'pass receipt',
];

describe('psea verify', () => {
  it('prints a pass line per check, the custody line with its root, and exits 0 for a valid bundle', async () => {
    const { code, lines } = await cli('valid-es256-device-bound');
    expect(lines).toEqual([...PASSES, 'pass custody: root first at 0']);
    expect(code).toBe(0);
  });

  it('one-link and two-link chains, a recovery root (--custody-roots) and a migrated credential pass', async () => {
    for (const vector of ['valid-custody-one-link', 'valid-custody-two-links']) {
      const { code, lines } = await cli(vector);
      expect(lines.at(-1)).toBe('pass custody: root first at 0');
      expect(code).toBe(0);
    }
    const recovery = await cli('valid-custody-recovery-root');
    expect(recovery.lines.at(-1)).toBe('pass custody: root recovery at 2');
    expect(recovery.code).toBe(0);
    const migrated = await cli('valid-custody-migrated');
    expect(migrated.lines.at(-1)).toBe('pass custody: root migrated at 3');
    expect(migrated.code).toBe(0);
  });

  it("the operator's forgery of issue 23 fails and exits 1", async () => {
    const { code, lines } = await cli('operator-forgery');
    expect(lines.filter((l) => l.startsWith('fail ')).map((l) => l.split(':')[0])).toEqual([
      'fail enrollment',
      'fail log',
      'fail custody',
    ]);
    expect(code).toBe(1);
  });

  it('a recovery root without --custody-roots naming it fails; a bent link fails custody; both exit 1', async () => {
    const recovery = await cli('custody-recovery-not-accepted');
    expect(recovery.lines.at(-1)).toBe(
      'fail custody: root recovery at 2: not a root accepted (custodyRoots: first)',
    );
    expect(recovery.code).toBe(1);
    const bent = await cli('custody-link-signature');
    expect(bent.lines.at(-1)).toMatch(/^fail custody: custody\[0\]: the signature does not verify/);
    expect(bent.code).toBe(1);
  });

  it('every root out of place, made-up log and bent link of the vectors: custody fails, exit 1', async () => {
    const { readdir } = await import('node:fs/promises');
    const bent = (await readdir(join(root, 'test/vectors/evidence'))).filter(
      (f) => f.startsWith('custody-') && f !== 'custody-unanchored.json',
    );
    expect(bent.length).toBeGreaterThanOrEqual(14);
    for (const f of bent) {
      const { code, lines } = await cli(f.replace(/\.json$/, ''));
      expect(lines.at(-1), f).toMatch(/^fail custody: /);
      expect(code, f).toBe(1);
    }
  }, 60_000);

  it('without --checkpoint custody is unavailable and the exit is 1; --allow-unanchored passes it', async () => {
    const unanchored = await cli('valid-custody-one-link', [], { noCheckpoint: true });
    expect(unanchored.lines.at(-1)).toBe(
      'unavailable custody: root not anchored: no knownCheckpoint (root first at 0)',
    );
    expect(unanchored.code).toBe(1);
    const allowed = await cli('valid-custody-unanchored-allowed');
    expect(allowed.lines.at(-1)).toBe(
      'pass custody: root first at 0, not anchored (allowUnanchored)',
    );
    expect(allowed.code).toBe(0);
  });

  it('a receipt unavailable (no --jwks) still exits 0', async () => {
    const v = JSON.parse(
      await readFile(join(root, 'test/vectors/evidence/valid-no-jwks.json'), 'utf8'),
    );
    const bundle = join(dir, 'nojwks.json');
    const known = join(dir, 'nojwks.checkpoint');
    await writeFile(bundle, JSON.stringify(v.bundle));
    await writeFile(known, v.options.knownCheckpoint);
    const args = [
      'packages/psea/bin/psea.mjs',
      'verify',
      bundle,
      '--rp-id',
      v.options.rpId,
      '--origin',
      v.options.origins[0],
      '--log-key',
      v.options.logKey,
      '--checkpoint',
      known,
    ];
    const { stdout } = await run(process.execPath, args, { cwd: root });
    expect(stdout).toContain('unavailable receipt: no jwks given');
  });

  it('prints the failing check with why and exits 1', async () => {
    const { code, lines } = await cli('bad-signature');
    expect(lines[3]).toBe(
      'fail signature: the signature does not verify with credential.publicKey',
    );
    expect(lines.filter((l) => l.startsWith('fail '))).toHaveLength(1);
    expect(code).toBe(1);
  });

  it('exits 2 on bad usage, naming what is wrong', async () => {
    const { code, stderr } = await cli('valid-es256-device-bound', ['--log-key', 'not-a-key']);
    expect(stderr).toContain('logKey');
    expect(code).toBe(2);
    const roots = await cli('valid-es256-device-bound', ['--custody-roots', 'first,someone']);
    expect(roots.stderr).toContain('custodyRoots');
    expect(roots.code).toBe(2);
  });

  it('--help, -h, help or no arguments print the usage on stdout and exit 0; a wrong command is bad usage (2)', async () => {
    for (const args of [['--help'], ['-h'], ['help'], [], ['verify', '--help']]) {
      const { stdout, stderr } = await run(
        process.execPath,
        ['packages/psea/bin/psea.mjs', ...args],
        { cwd: root },
      );
      expect(stdout).toContain('usage: psea verify <evidence.json>');
      expect(stdout).toContain('--log-key <key>');
      expect(stderr).toBe('');
    }
    await expect(
      run(process.execPath, ['packages/psea/bin/psea.mjs', 'check'], { cwd: root }),
    ).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('psea --help') });
  });
});
