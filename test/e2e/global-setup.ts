/**
 * Starts what the browser tests run against, once per run:
 *
 * - `wrangler dev` on a free loopback port, with fresh secrets in a
 *   generated env file (a new API key and ES256 signing key every run) and
 *   its own persistence directory, so nothing from a developer's
 *   `.dev.vars` or `.wrangler/state` leaks in;
 * - a loopback HTTP server for host pages that embed the widget, on
 *   `http://localhost:<port>`, an allowed origin (RP_ID is `localhost`).
 *
 * Tests read the URLs and the API key with `inject('psea')`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { freePort, startHostServer } from './host-server';
// @ts-expect-error: a plain .mjs module of the repository's scripts, without types
import { logKeyName, newLogSigningKey } from '../../scripts/dev-secrets.mjs';
import { verifierKeyOf } from '../../packages/psea/src/log/note-keys';

export interface E2EContext {
  /** The Worker, e.g. http://localhost:43121 (its own origin is an allowed origin). */
  service: string;
  /** The host-page server on a second allowed origin. */
  host: string;
  apiKey: string;
  /** The log's verifier key, known from the secret itself (pinned, never fetched beside the data). */
  logKey: string;
  /** The log's signer key itself, so a test can forge what a rewritten log would show. */
  logSigner: string;
  /** WEBHOOK_SECRET (`whsec_…`): receivers on loopback verify deliveries with it (callbackUrl http://localhost:<port> is allowed, RP_ID being localhost). */
  webhookSecret: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    psea: E2EContext;
  }
}

const root = join(import.meta.dirname, '..', '..');

async function waitForHealth(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`wrangler dev exited with ${child.exitCode}:\n${log()}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`wrangler dev did not answer /healthz in 90 s:\n${log()}`);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await promisify(execFile)(process.execPath, [join(root, 'scripts/build-widget.mjs')], {
    cwd: root,
  });

  const [servicePort, hostPort] = [await freePort(), await freePort()];
  const service = `http://localhost:${servicePort}`;
  const hostServer = await startHostServer(hostPort, service);
  const host = `http://localhost:${hostPort}`;

  const dir = await mkdtemp(join(tmpdir(), 'psea-e2e-'));
  const apiKey = randomBytes(32).toString('base64url');
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
    format: 'jwk',
  });
  const logSigner = newLogSigningKey(logKeyName(service)) as string;
  const webhookSecret = `whsec_${randomBytes(32).toString('base64')}`;
  const vars: Record<string, string> = {
    API_KEYS: apiKey,
    RECEIPT_SIGNING_KEYS: JSON.stringify({ keys: [{ ...jwk, kid: 'e2e', alg: 'ES256' }] }),
    LOG_SIGNING_KEY: logSigner,
    WEBHOOK_SECRET: webhookSecret,
    ALLOWED_ORIGINS: `${service},${host}`,
    RP_ID: 'localhost',
    RP_NAME: 'PSEA e2e',
    DEMO: 'true',
    // Issue 5's example policy: wires over 10,000 need a device-bound passkey
    // (policy.test.ts); the 1,250 transfer of the other tests gets `default`,
    // which also takes offline proofs (offline.test.ts, the demo's offline switch).
    POLICY: JSON.stringify({
      rules: [
        {
          id: 'large-transfer',
          match: { type: 'wire.transfer', gt: { amount: 10000 } },
          require: { deviceBound: true },
        },
        // Approved on the hosted page only: from a host page it is origin_mismatch (front-door.test.ts).
        { id: 'hosted-only', match: { type: 'e2e.hosted-only' }, origins: [service] },
        { id: 'default', offline: true },
      ],
    }),
  };
  const envFile = join(dir, '.env');
  // Single quotes: dotenv takes the value literally (JSON keeps its double quotes).
  await writeFile(
    envFile,
    Object.entries(vars)
      .map(([k, v]) => `${k}='${v}'`)
      .join('\n') + '\n',
  );

  let output = '';
  const child = spawn(
    process.execPath,
    [
      join(root, 'node_modules/wrangler/bin/wrangler.js'),
      'dev',
      'demo/index.ts', // the development entry: the app with the demo bank
      '--port',
      String(servicePort),
      '--ip',
      '127.0.0.1',
      '--persist-to',
      join(dir, 'state'),
      '--env-file',
      envFile,
      '--show-interactive-dev-session=false',
      '--log-level',
      'warn',
    ],
    {
      cwd: root,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.pid) {
      const exited = new Promise((r) => child.once('exit', r));
      try {
        process.kill(-child.pid, 'SIGTERM'); // wrangler and its workerd
      } catch {
        // already gone
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    await new Promise((r) => hostServer.close(r));
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await waitForHealth(service, child, () => output);
    // The env file must win over wrangler.toml [vars] and any .dev.vars in the tree.
    const res = await fetch(`${service}/v1/enrollments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ user: { id: 'e2e-probe', name: 'probe' } }),
    });
    if (res.status !== 201)
      throw new Error(
        `the generated API key was not accepted (${res.status}): is --env-file loaded?\n${output}`,
      );
  } catch (err) {
    await stop();
    throw err;
  }

  project.provide('psea', {
    service,
    host,
    apiKey,
    logKey: await verifierKeyOf(logSigner),
    logSigner,
    webhookSecret,
  });
  return stop;
}
