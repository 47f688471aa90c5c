/** `psea verify` (packages/psea/bin/psea.mjs, on the built dist/evidence.js) against a valid and a failing vector: lines and exit codes. */
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

async function cli(vector: string, extra: string[] = []) {
  const v = JSON.parse(await readFile(join(root, 'test/vectors/evidence', `${vector}.json`), 'utf8'));
  const bundle = join(dir, `${vector}.json`);
  const jwks = join(dir, `${vector}.jwks.json`);
  await writeFile(bundle, JSON.stringify(v.bundle));
  await writeFile(jwks, JSON.stringify(v.options.jwks));
  const args = ['packages/psea/bin/psea.mjs', 'verify', bundle, '--rp-id', v.options.rpId, ...v.options.origins.flatMap((o: string) => ['--origin', o]), '--log-key', v.options.logKey, '--jwks', jwks, ...extra];
  try {
    const { stdout } = await run(process.execPath, args, { cwd: root });
    return { code: 0, lines: stdout.trim().split('\n') };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, lines: e.stdout.trim().split('\n'), stderr: e.stderr };
  }
}

describe('psea verify', () => {
  it('prints a pass line per check and exits 0 for a valid bundle', async () => {
    const { code, lines } = await cli('valid-es256-device-bound');
    expect(lines).toEqual(['pass statement', 'pass challenge', 'pass authenticator', 'pass signature', 'pass enrollment', 'pass log', 'pass receipt']);
    expect(code).toBe(0);
  });

  it('prints the failing check with why and exits 1', async () => {
    const { code, lines } = await cli('bad-signature');
    expect(lines[3]).toBe('fail signature: the signature does not verify with credential.publicKey');
    expect(lines.filter((l) => l.startsWith('fail '))).toHaveLength(1);
    expect(code).toBe(1);
  });

  it('exits 2 on bad usage, naming what is wrong', async () => {
    const { code, stderr } = await cli('valid-es256-device-bound', ['--log-key', 'not-a-key']);
    expect(stderr).toContain('logKey');
    expect(code).toBe(2);
  });

  it('--help, -h, help or no arguments print the usage on stdout and exit 0; a wrong command is bad usage (2)', async () => {
    for (const args of [['--help'], ['-h'], ['help'], [], ['verify', '--help']]) {
      const { stdout, stderr } = await run(process.execPath, ['packages/psea/bin/psea.mjs', ...args], { cwd: root });
      expect(stdout).toContain('usage: psea verify <evidence.json>');
      expect(stdout).toContain('--log-key <key>');
      expect(stderr).toBe('');
    }
    await expect(run(process.execPath, ['packages/psea/bin/psea.mjs', 'check'], { cwd: root })).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('psea --help') });
  });
});
