/**
 * The `ref.` rows: a verify that finds its object evicted, the same bundle
 * with its SQLite files on this machine's disk, and the same verify behind
 * `wrangler dev`. For reference only: no goal is set on them.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { median, loadRun } from './load.mjs';
import { api, checkTickets, enrollUser, pool, prepareTickets } from './prep.mjs';
import { freePort, start, waitFor } from './procs.mjs';
import { newLogSigningKey } from '../../scripts/dev-secrets.mjs';

const strip = ({ receipts: _r, ...rest }) => rest;

/**
 * Cloudflare evicts an idle Durable Object that holds no WebSocket after 10 s
 * (workerd does the same), so a person who takes longer than that over the
 * passkey prompt reaches an object that starts again: it opens its SQLite
 * database and runs its constructor, and the approval reads its rows. Each
 * round issues one ticket to each of N.evicted users, leaves them idle for
 * EVICT_WAIT_MS, then approves them at concurrency 1; then the same with no
 * wait, for a comparison made the same way.
 */
const EVICT_WAIT_MS = 15_000;
export async function figureEvicted({ psea, users, port, pid, origin, N, log }) {
  const url = `http://127.0.0.1:${port}`;
  const headers = { 'content-type': 'application/json', origin };
  const group = users.slice(0, N.evicted);
  const out = { waitMs: EVICT_WAIT_MS, users: group.length, evicted: [], inMemory: [] };
  const fired = [];
  const receipts = new Map();
  const run = async (tickets) => {
    const r = await loadRun({
      url,
      connections: 1,
      amount: tickets.length,
      items: tickets,
      headers,
      pid,
    });
    fired.push(...tickets);
    for (const [t, rc] of r.receipts) receipts.set(t, rc);
    const { receipts: _r, ...rest } = r;
    return rest;
  };
  for (let r = 0; r < N.evictedRounds; r++) {
    const idle = await prepareTickets(psea, group, group.length);
    await new Promise((done) => setTimeout(done, EVICT_WAIT_MS));
    out.evicted.push(await run(idle));
    out.inMemory.push(await run(await prepareTickets(psea, group, group.length)));
  }
  const check = await checkTickets(psea, fired, receipts);
  const all = [...out.evicted, ...out.inMemory];
  out.validity = {
    non2xx: all.reduce((n, x) => n + x.non2xx + x.errors, 0),
    ticketsFired: fired.length,
    ...check,
  };
  const med = (xs, k) => median(xs.map((x) => x[k]));
  for (const k of ['evicted', 'inMemory'])
    out[`${k}Summary`] = {
      rps: med(out[k], 'rps'),
      p50: med(out[k], 'p50'),
      p99: med(out[k], 'p99'),
      cpuMsPerRequest: med(out[k], 'cpuMsPerRequest'),
    };
  const e = out.evictedSummary;
  const w = out.inMemorySummary;
  log(
    `reference, evicted objects: ${(e.cpuMsPerRequest * 1000).toFixed(0)} µs CPU per verify (p50 ${e.p50.toFixed(2)} ms) against ${(w.cpuMsPerRequest * 1000).toFixed(0)} µs (p50 ${w.p50.toFixed(2)} ms) in memory; ${out.validity.non2xx} non-2xx, ${check.sameReceipt}/${fired.length} with their one receipt`,
  );
  return out;
}

export async function figureDisk({ port, pid, apiKey, SoftAuthenticator, origin, N, log }) {
  const client = api(`http://127.0.0.1:${port}`, apiKey, origin);
  const users = await pool(
    Array.from({ length: 100 }, (_, i) => `disk-user-${i}`),
    8,
    (id) => enrollUser(client, SoftAuthenticator, id),
  );
  const tickets = await prepareTickets(client, users, 100 + N.c1 + N.c16);
  const headers = { 'content-type': 'application/json', origin };
  const url = `http://127.0.0.1:${port}`;
  await loadRun({ url, connections: 16, amount: 100, items: tickets.slice(0, 100), headers, pid });
  const c1 = strip(
    await loadRun({
      url,
      connections: 1,
      amount: N.c1,
      items: tickets.slice(100, 100 + N.c1),
      headers,
      pid,
    }),
  );
  const c16 = strip(
    await loadRun({
      url,
      connections: 16,
      amount: N.c16,
      items: tickets.slice(100 + N.c1),
      headers,
      pid,
    }),
  );
  log(
    `reference, SQLite on disk: c=1 ${c1.rps.toFixed(0)} req/s (p50 ${c1.p50.toFixed(2)} ms), c=16 ${c16.rps.toFixed(0)} req/s (p50 ${c16.p50.toFixed(2)} ms, p99 ${c16.p99.toFixed(2)} ms), ${c1.non2xx + c16.non2xx} non-2xx`,
  );
  return { c1, c16 };
}

/** `track` hands the process to the caller's cleanup (a signal mid-run must end it too). */
export async function figureWranglerDev({
  root,
  tmp,
  apiKey,
  signingJwk,
  SoftAuthenticator,
  N,
  log,
  track,
}) {
  const port = await freePort();
  const dir = join(tmp, 'wrangler-dev');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const vars = {
    API_KEYS: apiKey,
    RECEIPT_SIGNING_KEYS: JSON.stringify({ keys: [signingJwk] }),
    ALLOWED_ORIGINS: `http://localhost:${port}`,
    RP_ID: 'localhost',
    RP_NAME: 'PSEA (bench, wrangler dev)',
    TICKET_TTL_SECONDS: '3600',
    LOG_SIGNING_KEY: newLogSigningKey(`localhost:${port}/psea`),
  };
  const envFile = join(dir, '.env');
  // Single quotes: dotenv takes them literally (in double quotes it would keep the JSON's \" escapes).
  await writeFile(
    envFile,
    Object.entries(vars)
      .map(([k, v]) => `${k}='${v}'`)
      .join('\n') + '\n',
  );
  const wd = start(
    process.execPath,
    [
      join(root, 'node_modules/wrangler/bin/wrangler.js'),
      'dev',
      '--port',
      String(port),
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
    },
  );
  track(wd);
  try {
    await waitFor(`http://127.0.0.1:${port}/healthz`, wd, 90_000);
    const client = api(`http://127.0.0.1:${port}`, apiKey, `http://localhost:${port}`);
    const users = await pool(
      Array.from({ length: 32 }, (_, i) => `wd-user-${i}`),
      4,
      (id) => enrollUser(client, SoftAuthenticator, id),
    );
    const tickets = await prepareTickets(client, users, N.wdTickets + 100, 8);
    const headers = { 'content-type': 'application/json', origin: `http://localhost:${port}` };
    const url = `http://127.0.0.1:${port}`;
    await loadRun({ url, connections: 16, amount: 100, items: tickets.slice(0, 100), headers });
    const verify = await loadRun({
      url,
      connections: 16,
      amount: N.wdTickets,
      items: tickets.slice(100),
      headers,
    });
    const healthz = await loadRun({
      url,
      connections: 16,
      amount: N.wdEmpty,
      fixed: { method: 'GET', path: '/healthz' },
    });
    log(
      `reference: wrangler dev c=16 verify ${verify.rps.toFixed(0)} req/s (${verify.non2xx} non-2xx${verify.problems ? `: ${verify.problems[0]}` : ''}), /healthz ${healthz.rps.toFixed(0)} req/s`,
    );
    return { verify: strip(verify), healthz: strip(healthz) };
  } finally {
    await wd.stop();
  }
}
