/**
 * `npm start -- --port N` as a newcomer runs it (scripts/start.mjs): it serves on N, with
 * ALLOWED_ORIGINS and ISSUER following the port, and SIGTERM to npm stops wrangler and the
 * workerd under it: no process of the run is left holding the port. The variables go to a
 * temporary file (PSEA_DEV_VARS) and the state to a temporary directory: a developer's
 * .dev.vars and .wrangler/state are never touched.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../e2e/host-server';
// @ts-expect-error: a plain .mjs module of the repository's scripts, without types
import { descendants } from '../../scripts/start-process.mjs';

const root = join(import.meta.dirname, '..', '..');
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

let dir = '';
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('npm start', () => {
  it('serves on --port N with ISSUER and ALLOWED_ORIGINS there; SIGTERM leaves no process behind', async () => {
    dir = await mkdtemp(join(tmpdir(), 'psea-start-'));
    const port = await freePort();
    const origin = `http://localhost:${port}`;
    const devVars = join(dir, '.dev.vars');
    let output = '';
    const npm = spawn(
      'npm',
      [
        'start',
        '--',
        '--port',
        String(port),
        '--persist-to',
        join(dir, 'state'),
        '--log-level',
        'warn',
      ],
      {
        cwd: root,
        env: {
          ...process.env,
          PSEA_DEV_VARS: devVars,
          WRANGLER_SEND_METRICS: 'false',
          CI: 'true',
          NO_COLOR: '1',
          PORT: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    npm.stdout.on('data', (d) => (output += d));
    npm.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((r) => npm.once('exit', (code) => r(code)));
    let pids: number[] = [];
    try {
      const deadline = Date.now() + 90_000;
      for (;;) {
        if (npm.exitCode !== null)
          throw new Error(`npm start exited with ${npm.exitCode}:\n${output}`);
        if (Date.now() > deadline) throw new Error(`no /healthz on ${origin} in 90 s:\n${output}`);
        const res = await fetch(`${origin}/healthz`).catch(() => undefined);
        if (res?.ok) break;
        await new Promise((r) => setTimeout(r, 300));
      }
      const vars = await readFile(devVars, 'utf8');
      expect(vars).toContain(`ISSUER='${origin}'`);
      expect(vars).toContain(`ALLOWED_ORIGINS='${origin}'`);
      const apiKey = /API_KEYS='([^',]+)/.exec(vars)![1];
      // ISSUER: the URLs it hands out name this port.
      const res = await fetch(`${origin}/v1/enrollments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ user: { id: 'u-start', name: 'start' } }),
      });
      expect(res.status).toBe(201);
      expect(
        ((await res.json()) as { enrollUrl: string }).enrollUrl.startsWith(`${origin}/enroll/`),
      ).toBe(true);
      // ALLOWED_ORIGINS: a page on this port may call the browser routes.
      const cors = await fetch(`${origin}/v1/actions/no-such-ticket`, { headers: { origin } });
      expect(cors.headers.get('access-control-allow-origin')).toBe(origin);

      pids = descendants(npm.pid!);
      expect(pids.length).toBeGreaterThan(1); // node start.mjs, wrangler, workerd (and sh, by npm)
      npm.kill('SIGTERM');
      expect(
        await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 15_000))]),
      ).not.toBe('timeout');
      // Every process of the run is gone (checked for a while: a straggler may take a moment).
      const until = Date.now() + 8000;
      while (pids.some(alive) && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
      expect(pids.filter(alive), output).toEqual([]);
      await expect(fetch(`${origin}/healthz`)).rejects.toThrow();
    } finally {
      for (const pid of [npm.pid!, ...pids]) if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  }, 150_000);
});
