/**
 * The real Worker served by workerd directly, as the bench serves it (no
 * `wrangler dev` proxy): `wrangler deploy --dry-run`'s bundle, a generated
 * config, Durable Objects on a storage directory that outlives a restart,
 * so a test can "deploy" new secrets (stop, start with them, same state).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const root = join(import.meta.dirname, '..', '..');
const q = (s: string): string => JSON.stringify(s);
const CLASSES = {
  VAULT: 'UserVault',
  CREDENTIAL_OWNERS: 'CredentialOwner',
  IDEMPOTENCY: 'IdempotencyRecord',
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface WorkerdService {
  /** `http://localhost:<port>`: an allowed origin, and RP_ID is localhost. */
  base: string;
  /** Stop, and start again with `vars` merged over the first ones (the same port and storage). */
  redeploy(vars: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
}

/** Build the bundle and serve it with `vars` (text bindings: vars and secrets). */
export async function serveWorker(vars: Record<string, string>): Promise<WorkerdService> {
  const dir = await mkdtemp(join(tmpdir(), 'psea-workerd-'));
  await mkdir(join(dir, 'store'));
  const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true', NO_COLOR: '1' };
  const wrangler = join(root, 'node_modules/wrangler/bin/wrangler.js');
  await promisify(execFile)(
    process.execPath,
    [wrangler, 'deploy', '--dry-run', '--outdir', join(dir, 'bundle')],
    { cwd: root, env, maxBuffer: 16 << 20 },
  );
  const port = await freePort();
  const base = `http://localhost:${port}`;
  let current = { RP_ID: 'localhost', RP_NAME: 'PSEA (test)', ALLOWED_ORIGINS: base, ...vars };
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    const bindings = [
      ...Object.entries(current).map(([k, v]) => `    (name = ${q(k)}, text = ${q(v)}),`),
      ...Object.entries(CLASSES).map(
        ([k, v]) => `    (name = ${q(k)}, durableObjectNamespace = ${q(v)}),`,
      ),
    ];
    const namespaces = Object.values(CLASSES).map(
      (v) => `    (className = ${q(v)}, uniqueKey = ${q(`t-${v}`)}, enableSql = true),`,
    );
    await writeFile(
      join(dir, 'config.capnp'),
      `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "psea", worker = .psea), (name = "store", disk = (path = ${q(join(dir, 'store'))}, writable = true))],
  sockets = [(name = "psea", address = "127.0.0.1:${port}", http = (), service = "psea")],
);
const psea :Workerd.Worker = (
  modules = [(name = "index.js", esModule = embed "bundle/index.js")],
  compatibilityDate = "2026-04-26",
  bindings = [
${bindings.join('\n')}
  ],
  durableObjectNamespaces = [
${namespaces.join('\n')}
  ],
  durableObjectStorage = (localDisk = "store"),
);
`,
    );
    child = spawn(
      join(root, 'node_modules/workerd/bin/workerd'),
      ['serve', join(dir, 'config.capnp')],
      { cwd: dir, stdio: 'ignore' },
    );
    for (let i = 0; i < 300; i++) {
      if (
        await fetch(`${base}/healthz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('workerd did not answer /healthz');
  };
  const halt = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill();
    });
  };

  await start();
  return {
    base,
    async redeploy(vars) {
      await halt();
      current = { ...current, ...vars };
      await start();
    },
    async stop() {
      await halt();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
