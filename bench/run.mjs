#!/usr/bin/env node
/**
 * `npm run bench`: every figure of bench/README.md, from one command.
 *
 *   node bench/run.mjs                 the full run (about 3–4 minutes on 2 cores)
 *   node bench/run.mjs --quick         a smoke run with small counts (numbers not for publishing)
 *   --no-browser                       skip figure 6 (Chromium)
 *   --no-wrangler-dev                  skip the `wrangler dev` reference figure
 *   --no-write                         print only; leave results.json and the READMEs alone
 *   --cpu-only                         figure 1 alone, printed, not written (for optimisation work)
 *
 * Everything listens on 127.0.0.1 and every load loop is bounded in count
 * (autocannon `amount`) and time (a hard limit on the whole run).
 * Method notes for each figure: bench/README.md.
 */
import { existsSync, rmSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildAll } from './lib/build.mjs';
import { median, loadRun } from './lib/load.mjs';
import { fetchLoad } from './lib/fetch-load.mjs';
import { api, checkTickets, enrollUser, pool, prepareFloorItems, prepareTickets } from './lib/prep.mjs';
import { cpuTimes, freePort, start, waitFor } from './lib/procs.mjs';
import { startServers } from './lib/servers.mjs';
import { receiptBench } from './lib/receipt-bench.mjs';
import { report } from './lib/report.mjs';
import { roundTrips } from './lib/round-trips.mjs';
import { machineInfo } from './lib/machine.mjs';
import { widgetSize } from './lib/widget-size.mjs';

process.env.WRANGLER_SEND_METRICS = 'false';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tmp = join(root, 'bench', '.tmp');
const flags = new Set(process.argv.slice(2));
const QUICK = flags.has('--quick');
const CPU_ONLY = flags.has('--cpu-only');
/**
 * Where the Durable Objects' SQLite files live for the main figures: `tmpfs`
 * (/dev/shm, the default when it exists: a commit costs what SQLite and the
 * runtime do, not this VM's fsync) or `disk` (bench/.tmp). A reference row
 * always measures the bundle with its files on disk as well.
 */
const STORAGE = [...flags].find((f) => f.startsWith('--storage='))?.slice(10) ?? (existsSync('/dev/shm') ? 'tmpfs' : 'disk');
const storageRoot = STORAGE === 'tmpfs' ? `/dev/shm/psea-bench-${process.pid}` : join(tmp, 'do-storage');

/** Counts per figure. A run is bounded by these and by HARD_LIMIT_MS. */
const N = QUICK
  ? { users: 100, evicted: 50, evictedRounds: 1, cpuUsers: 6, cpuRounds: 3, cpuVerifyN: 40, cpuCryptoN: 100, microN: 100, microRounds: 3, loadRounds: 1, c1: 100, c16: 200, c64: 200, warm: 100, hot: 200, hotRounds: 1, emptyN: 500, receiptRounds: 3, receiptIters: 300, wdTickets: 100, wdEmpty: 300 }
  : { users: 1000, evicted: 300, evictedRounds: 2, cpuUsers: 24, cpuRounds: 7, cpuVerifyN: 150, cpuCryptoN: 400, microN: 400, microRounds: 5, loadRounds: 3, c1: 300, c16: 1200, c64: 1200, warm: 400, hot: 800, hotRounds: 3, emptyN: 3000, receiptRounds: 9, receiptIters: 1000, wdTickets: 600, wdEmpty: 2000 };
const CONCURRENCY = [1, 16, 64];
const HARD_LIMIT_MS = 10 * 60 * 1000;

const began = Date.now();
const log = (msg) => console.log(`[bench ${((Date.now() - began) / 1000).toFixed(1).padStart(5)}s] ${msg}`);
const procs = [];
const stopAll = () => Promise.all(procs.map((p) => p.stop()));
const cleanup = async () => {
  await stopAll();
  if (STORAGE === 'tmpfs') await rm(storageRoot, { recursive: true, force: true });
};
const limit = setTimeout(async () => {
  console.error(`bench: over the ${HARD_LIMIT_MS / 60000} min limit, stopping`);
  await cleanup();
  process.exit(2);
}, HARD_LIMIT_MS);
limit.unref();
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, async () => { await cleanup(); process.exit(130); });
// A closed stdout (say, `| head`) must not leave workerd running: the exit hook of lib/procs.mjs ends it.
process.on('exit', () => STORAGE === 'tmpfs' && rmSync(storageRoot, { recursive: true, force: true }));
process.stdout.on('error', () => process.exit(1));


async function main() {
  const results = { quick: QUICK, storage: STORAGE === 'tmpfs' ? 'tmpfs (/dev/shm)' : 'disk', machine: await machineInfo(root), counts: N, figures: {} };
  log(`machine: ${results.machine.cpu}, ${results.machine.cores} cores, load average ${results.machine.loadAverageAtStart.join(' ')}${QUICK ? ' (--quick: smoke counts)' : ''}`);

  // ---- build ----
  await mkdir(tmp, { recursive: true });
  await buildAll(root, tmp, log);
  const { SoftAuthenticator } = await import(pathToFileURL(join(tmp, 'node/soft-auth.mjs')).href);
  const receiptLib = await import(pathToFileURL(join(tmp, 'node/receipt.mjs')).href);

  // ---- figure 5: widget size; figure 4: receipt verification (Node, no servers up) ----
  results.figures.widget = await widgetSize(root);
  log(`figure 5: widget.js ${results.figures.widget.raw} B raw, ${results.figures.widget.gzip} B gzip, ${results.figures.widget.brotli} B brotli`);
  results.figures.receipt = await receiptBench(receiptLib, { rounds: N.receiptRounds, iterations: N.receiptIters });
  const ru = results.figures.receipt.usPerCall;
  log(`figure 4: verifyReceipt ${ru.verifyReceipt.toFixed(1)} µs, jose jwtVerify ${ru.jose.toFixed(1)} µs (${(ru.verifyReceipt / ru.jose).toFixed(2)}×)`);

  // ---- servers: one workerd with the real bundle (twice), the cpu worker and the baseline worker ----
  const servers = await startServers({ root, tmp, storageRoot, SoftAuthenticator });
  const { ports, origin, apiKey, signingJwk, baselineBodies, workerd } = servers;
  procs.push(workerd);
  log(`workerd ${results.machine.workerd} (pid ${workerd.pid}): real bundle on :${ports.psea} (SQLite on ${STORAGE}) and :${ports.disk} (on disk), cpu worker :${ports.cpu}, baseline :${ports.baseline}`);
  const psea = servers.psea;
  const cpuApi = servers.cpu;

  // ---- enrollment through the real routes ----
  const ids = Array.from({ length: CPU_ONLY ? 0 : N.users }, (_, i) => `bench-user-${String(i).padStart(4, '0')}`);
  const users = await pool(ids, 8, (id) => enrollUser(psea, SoftAuthenticator, id));
  // The hot user's passkey is a synced one that reports counter 0 (as iCloud Keychain and Google Password
  // Manager do): 64 simultaneous approvals from one counting authenticator cannot happen.
  const hotUser = await enrollUser(psea, SoftAuthenticator, 'bench-hot-user', { counterStep: 0, backupEligible: true, backedUp: true });
  const cpuUsers = await pool(Array.from({ length: N.cpuUsers }, (_, i) => `cpu-user-${i}`), 4, (id) => enrollUser(cpuApi, SoftAuthenticator, id));
  log(`enrolled ${users.length} users + 1 hot user (workerd bundle) and ${cpuUsers.length} users (cpu worker) through the real routes`);

  // ---- figure 1: CPU per verify inside workerd ----
  results.figures.cpu = await figureCpu({ cpuApi, cpuUsers, pid: workerd.pid });
  if (CPU_ONLY) return;

  // ---- figures 2 and 3: load ----
  // Cloudflare and workerd evict an object idle for 10 s. The warm-ups approve once for every user
  // (every object), and figure 2's users are prepared last, so no timed run starts on an evicted
  // object; the `ref.` row below measures those on purpose.
  const perRound = N.c1 + N.c16 + N.c64;
  const floorItems = await prepareFloorItems(cpuApi, N.users, N.users + N.loadRounds * perRound, baselineBodies);
  const hotTickets = await prepareTickets(psea, [hotUser], 2 * N.hot * N.hotRounds + 64);
  const fullTickets = await prepareTickets(psea, users, N.users + N.loadRounds * perRound);
  log(`prepared ${fullTickets.length} + ${hotTickets.length} (hot user) tickets with their assertions through the real routes, and ${floorItems.length} rows for the stateful floor route`);
  results.figures.load = await figureLoad({ ports, pid: workerd.pid, fullTickets, hotTickets, floorItems, baselineBodies, verifyOrigin: origin(ports.psea), floorOrigin: origin(ports.cpu), psea });

  // ---- reference: a verify that finds its object evicted ----
  results.figures.evicted = await figureEvicted({ psea, users, port: ports.psea, pid: workerd.pid, origin: origin(ports.psea) });

  // ---- reference: the same bundle with its SQLite files on this machine's disk ----
  results.figures.disk = await figureDisk({ port: ports.disk, pid: workerd.pid, apiKey, SoftAuthenticator, origin: origin(ports.disk) });

  // ---- figure 6: round trips, in Chromium ----
  if (flags.has('--no-browser')) results.figures.roundTrips = { skipped: '--no-browser' };
  else {
    try {
      results.figures.roundTrips = await roundTrips({ psea: { port: ports.psea }, proxyPort: ports.proxy, hostPort: ports.host, apiKey });
      const rt = results.figures.roundTrips;
      if (rt.skipped) log(`figure 6 skipped: ${rt.skipped}`);
      else log(`figure 6: click → psea-approved: hosted ${rt.hosted.requests} request(s) [${rt.hosted.serviceRequests.join(', ')}], embedded ${rt.embedded.requests} [${rt.embedded.serviceRequests.join(', ')}]`);
    } catch (err) {
      results.figures.roundTrips = { skipped: `failed: ${err.message.split('\n')[0]}` };
      log(`figure 6 failed: ${err.message}`);
    }
  }
  await workerd.stop();

  // ---- reference: the same verify behind `wrangler dev` ----
  if (flags.has('--no-wrangler-dev')) results.figures.wranglerDev = { skipped: '--no-wrangler-dev' };
  else {
    try {
      results.figures.wranglerDev = await figureWranglerDev({ apiKey, signingJwk, SoftAuthenticator });
    } catch (err) {
      results.figures.wranglerDev = { skipped: `failed: ${err.message.split('\n')[0]}` };
      log(`wrangler dev reference failed: ${err.message}`);
    }
  }

  results.machine.loadAverageAtEnd = (await machineInfo(root)).loadAverageAtStart;
  results.machine.seconds = Math.round((Date.now() - began) / 1000);
  await report(root, results, { write: !flags.has('--no-write'), log });
}

/** Time one /__bench/run batch from outside: wall clock and workerd's CPU time. */
async function batch(cpuApi, pid, kind, n) {
  const c0 = cpuTimes(pid);
  const t0 = performance.now();
  const { status, data } = await cpuApi.call(`/__bench/run?kind=${kind}&n=${n}`, { method: 'POST' });
  const wall = performance.now() - t0;
  const c1 = cpuTimes(pid);
  if (status !== 200 || data.ok !== n) throw new Error(`batch ${kind}: ${status} ${JSON.stringify(data)}`);
  return { wallMs: wall, cpuMs: (c1.main - c0.main) / 1e6, allThreadsMs: (c1.total - c0.total) / 1e6 };
}

async function figureCpu({ cpuApi, cpuUsers, pid }) {
  const kinds = ['floor', 'baseline', 'verify', 'verify-cold', 'do-verify', 'stateful-floor'];
  const micro = ['get-vars', 'rp-id-hash', 'ticket-hash', 'zod-parse', 'check-assertion', 'verify-signature', 'import-cose-key', 'ecdsa-verify', 'ecdsa-sign', 'webauthn-lib', 'sign-receipt', 'app-healthz', 'post-not-found', 'bad-ticket', 'unknown-ticket', 'do-ping', 'do-status', 'do-unknown', 'do-sql-reads', 'do-sql-commit', 'do-commit-rpc', 'do-commit-real-rpc'];
  const ticketKinds = ['verify', 'verify-cold', 'do-verify'];
  const nOf = (k) => (ticketKinds.includes(k) ? N.cpuVerifyN : N.cpuCryptoN);
  const warmN = Math.max(10, N.cpuVerifyN >> 2);
  // Tickets are prepared through the real routes just before the round that approves them, as a
  // person approves seconds after the ticket is issued (prep is never timed). Each user's tickets
  // all go to one kind's queue, consumed in order, so every user's counters arrive increasing;
  // stashing verify-cold's tickets empties their vaults' memory of tickets and credentials.
  const queueOf = new Map(cpuUsers.map((u, i) => [u.id, ticketKinds[i % ticketKinds.length]]));
  const stashRound = async (n) => {
    const tickets = await prepareTickets(cpuApi, cpuUsers, ticketKinds.length * n + cpuUsers.length, 8);
    for (const kind of ticketKinds) {
      const list = tickets.filter((t) => queueOf.get(t.user) === kind);
      for (let i = 0; i < list.length; i += 400) await cpuApi.must(200, `/__bench/stash?kind=${kind}`, { method: 'POST', body: list.slice(i, i + 400) });
    }
  };

  await stashRound(warmN);
  for (const k of [...kinds, ...micro]) await batch(cpuApi, pid, k, ticketKinds.includes(k) ? warmN : 50);
  const per = Object.fromEntries([...kinds, ...micro].map((k) => [k, { wallUs: [], cpuUs: [], allThreadsUs: [] }]));
  const record = (k, b, noop, n) => {
    per[k].wallUs.push(((b.wallMs - noop.wallMs) * 1000) / n);
    per[k].cpuUs.push(((b.cpuMs - noop.cpuMs) * 1000) / n);
    per[k].allThreadsUs.push(((b.allThreadsMs - noop.allThreadsMs) * 1000) / n);
  };
  for (let r = 0; r < N.cpuRounds; r++) {
    await stashRound(N.cpuVerifyN);
    const order = kinds.slice(r % kinds.length).concat(kinds.slice(0, r % kinds.length));
    const noop = await batch(cpuApi, pid, 'noop', 1);
    for (const k of order) {
      const n = nOf(k);
      record(k, await batch(cpuApi, pid, k, n), noop, n);
    }
  }
  for (let r = 0; r < N.microRounds; r++) {
    const noop = await batch(cpuApi, pid, 'noop', 1);
    for (const k of micro) {
      record(k, await batch(cpuApi, pid, k, N.microN), noop, N.microN);
    }
  }
  const out = { rounds: N.cpuRounds, n: { verify: N.cpuVerifyN, crypto: N.cpuCryptoN, micro: N.microN }, medians: {}, raw: per };
  for (const [k, v] of Object.entries(per)) out.medians[k] = { wallUs: median(v.wallUs), cpuUs: median(v.cpuUs), allThreadsUs: median(v.allThreadsUs) };
  const m = out.medians;
  log(`figure 1 steps (µs CPU per call): ${micro.map((k) => `${k} ${m[k].cpuUs.toFixed(1)}`).join(', ')}`);
  log(`figure 1: stateful floor ${m['stateful-floor'].cpuUs.toFixed(0)} µs CPU (${(m['stateful-floor'].cpuUs / m.floor.cpuUs).toFixed(2)}× the floor; verify is ${(m.verify.cpuUs / m['stateful-floor'].cpuUs).toFixed(2)}× it)`);
  log(`figure 1: do-verify ${m['do-verify'].cpuUs.toFixed(0)} µs, verify-cold ${m['verify-cold'].cpuUs.toFixed(0)} µs, baseline ${m.baseline.cpuUs.toFixed(0)} µs CPU`);
  log(`figure 1: verify ${m.verify.cpuUs.toFixed(0)} µs CPU (${m.verify.wallUs.toFixed(0)} µs wall, ${m.verify.allThreadsUs.toFixed(0)} µs all threads), floor ${m.floor.cpuUs.toFixed(0)} µs CPU → ${(m.verify.cpuUs / m.floor.cpuUs).toFixed(2)}× the floor`);
  return out;
}

async function figureLoad({ ports, pid, fullTickets, hotTickets, floorItems, baselineBodies, verifyOrigin, floorOrigin, psea }) {
  const PSEA = `http://127.0.0.1:${ports.psea}`;
  const BASE = `http://127.0.0.1:${ports.baseline}`;
  const FLOOR = `http://127.0.0.1:${ports.cpu}`;
  const headers = { 'content-type': 'application/json', origin: verifyOrigin };
  const floorHeaders = { 'content-type': 'application/json', origin: floorOrigin };
  let at = 0;
  const take = (n) => fullTickets.slice(at, (at += n));
  let fat = 0;
  const takeFloor = (n) => floorItems.slice(fat, (fat += n));
  const runs = [];
  const receipts = new Map();
  const keep = (label, r) => {
    for (const [t, rc] of r.receipts) receipts.set(t, rc);
    const { receipts: _drop, ...rest } = r;
    runs.push({ label, ...rest });
    return rest;
  };

  // Warm-up: JIT, connections, and every user's object loaded (one approval each).
  keep('warm-up full', await loadRun({ url: PSEA, connections: 16, amount: N.users, items: take(N.users), headers, pid }));
  keep('warm-up baseline', await loadRun({ url: BASE, connections: 16, amount: N.warm, fixed: { path: '/v1/verify' }, bodies: baselineBodies, headers, pid }));

  const amountOf = { 1: N.c1, 16: N.c16, 64: N.c64 };
  for (let r = 0; r < N.loadRounds; r++) {
    for (const c of CONCURRENCY) {
      const n = amountOf[c];
      const pair = [
        async () => keep(`full c=${c}`, await loadRun({ url: PSEA, connections: c, amount: n, items: take(n), headers, pid })),
        async () => keep(`baseline c=${c}`, await loadRun({ url: BASE, connections: c, amount: n, fixed: { path: '/v1/verify' }, bodies: baselineBodies, headers, pid })),
      ];
      if (r % 2) pair.reverse();
      for (const f of pair) await f();
    }
    // Per-request CPU of the floor and of empty routes, at concurrency 1.
    keep('floor route c=1', await loadRun({ url: BASE, connections: 1, amount: N.c1, fixed: { path: '/floor' }, bodies: baselineBodies, headers, pid }));
    keep('empty route c=1', await loadRun({ url: BASE, connections: 1, amount: N.c1, fixed: { method: 'GET', path: '/empty' }, pid }));
    keep('healthz c=1', await loadRun({ url: PSEA, connections: 1, amount: N.c1, fixed: { method: 'GET', path: '/healthz' }, pid }));
    log(`load round ${r + 1}/${N.loadRounds} done`);
  }
  keep('healthz c=16', await loadRun({ url: PSEA, connections: 16, amount: N.emptyN, fixed: { method: 'GET', path: '/healthz' }, pid }));

  // Figure 2's stateful floor, in rounds of its own beside the baseline again: run among the rounds
  // above, it would stretch them until their users' objects sat idle past the 10 s eviction.
  keep('warm-up stateful floor', await loadRun({ url: FLOOR, connections: 16, amount: N.users, items: takeFloor(N.users), headers: floorHeaders, pid }));
  for (let r = 0; r < N.loadRounds; r++) {
    for (const c of CONCURRENCY) {
      const n = amountOf[c];
      const pair = [
        async () => keep(`stateful floor c=${c}`, await loadRun({ url: FLOOR, connections: c, amount: n, items: takeFloor(n), headers: floorHeaders, pid })),
        async () => keep(`baseline beside the floor c=${c}`, await loadRun({ url: BASE, connections: c, amount: n, fixed: { path: '/v1/verify' }, bodies: baselineBodies, headers, pid })),
      ];
      if (r % 2) pair.reverse();
      for (const f of pair) await f();
    }
  }

  // Figure 3: one user, one Durable Object, 64 at once.
  let hat = 0;
  keep('warm-up hot', await loadRun({ url: PSEA, connections: 64, amount: 64, items: hotTickets.slice(hat, (hat += 64)), headers, pid }));
  for (let r = 0; r < N.hotRounds; r++) {
    keep('hot user c=64', await loadRun({ url: PSEA, connections: 64, amount: N.hot, items: hotTickets.slice(hat, (hat += N.hot)), headers, pid }));
    // The same load from a second client: is figure 3's tail the server's or autocannon's?
    keep('hot user c=64, fetch client', await fetchLoad({ url: PSEA, connections: 64, items: hotTickets.slice(hat, (hat += N.hot)), headers, pid }));
  }

  // Exactly once: every fired ticket approved, carrying the receipt its one verify returned.
  const fired = [...fullTickets.slice(0, at), ...hotTickets.slice(0, hat)];
  const check = await checkTickets(psea, fired, receipts);
  const fullRuns = runs.filter((x) => x.label.startsWith('full') || x.label.startsWith('hot') || x.label === 'warm-up full' || x.label === 'warm-up hot');
  const validity = {
    verifyRequests: fullRuns.reduce((n, x) => n + x.requests, 0),
    non2xx: fullRuns.reduce((n, x) => n + x.non2xx, 0),
    errors: fullRuns.reduce((n, x) => n + x.errors, 0),
    baselineNon2xx: runs.filter((x) => x.label.includes('baseline')).reduce((n, x) => n + x.non2xx + x.errors, 0),
    ticketsFired: fired.length,
    ...check,
  };
  const bad = runs.filter((x) => x.non2xx || x.errors).map((x) => `${x.label}: ${JSON.stringify(x.statuses)} ${(x.problems ?? []).join(" | ")}`);
  if (bad.length) log(`non-2xx or errors in: ${bad.join('; ')}`);
  log(`load validity: ${validity.verifyRequests} verify requests, ${validity.non2xx} non-2xx, ${validity.errors} errors; ${validity.sameReceipt}/${validity.ticketsFired} tickets approved with exactly their one receipt`);

  const summary = (label) => {
    const xs = runs.filter((x) => x.label === label);
    if (xs.length === 0) return undefined;
    return {
      rounds: xs.length,
      requestsPerRound: xs[0].requests,
      rps: median(xs.map((x) => x.rps)),
      p50: median(xs.map((x) => x.p50)),
      p99: median(xs.map((x) => x.p99)),
      max: median(xs.map((x) => x.max)),
      cpuMsPerRequest: median(xs.map((x) => x.cpuMsPerRequest)),
    };
  };
  const labels = [...new Set(runs.map((x) => x.label))].filter((l) => !l.startsWith('warm-up'));
  const summaries = Object.fromEntries(labels.map((l) => [l, summary(l)]));
  for (const c of CONCURRENCY) {
    const f = summaries[`full c=${c}`];
    const b = summaries[`baseline c=${c}`];
    const sf = summaries[`stateful floor c=${c}`];
    const sb = summaries[`baseline beside the floor c=${c}`];
    log(`figure 2 c=${c}: full ${f.rps.toFixed(0)} req/s (p50 ${f.p50.toFixed(2)} ms, p99 ${f.p99.toFixed(2)} ms), baseline ${b.rps.toFixed(0)} req/s → ${(f.rps / b.rps).toFixed(2)}×; stateful floor ${sf.rps.toFixed(0)} req/s, baseline beside it ${sb.rps.toFixed(0)} req/s → ${(sf.rps / sb.rps).toFixed(2)}×`);
  }
  const h = summaries['hot user c=64'];
  log(`figure 3: hot user ${h.rps.toFixed(0)} req/s, p50 ${h.p50.toFixed(2)} ms, p99 ${h.p99.toFixed(2)} ms`);
  const hf = summaries['hot user c=64, fetch client'];
  log(`figure 3, fetch client: ${hf.rps.toFixed(0)} req/s, p50 ${hf.p50.toFixed(2)} ms, p99 ${hf.p99.toFixed(2)} ms`);
  return { summaries, validity, runs };
}

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
async function figureEvicted({ psea, users, port, pid, origin }) {
  const url = `http://127.0.0.1:${port}`;
  const headers = { 'content-type': 'application/json', origin };
  const group = users.slice(0, N.evicted);
  const out = { waitMs: EVICT_WAIT_MS, users: group.length, evicted: [], inMemory: [] };
  const fired = [];
  const receipts = new Map();
  const run = async (tickets) => {
    const r = await loadRun({ url, connections: 1, amount: tickets.length, items: tickets, headers, pid });
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
  out.validity = { non2xx: all.reduce((n, x) => n + x.non2xx + x.errors, 0), ticketsFired: fired.length, ...check };
  const med = (xs, k) => median(xs.map((x) => x[k]));
  for (const k of ['evicted', 'inMemory']) out[`${k}Summary`] = { rps: med(out[k], 'rps'), p50: med(out[k], 'p50'), p99: med(out[k], 'p99'), cpuMsPerRequest: med(out[k], 'cpuMsPerRequest') };
  const e = out.evictedSummary;
  const w = out.inMemorySummary;
  log(`reference, evicted objects: ${(e.cpuMsPerRequest * 1000).toFixed(0)} µs CPU per verify (p50 ${e.p50.toFixed(2)} ms) against ${(w.cpuMsPerRequest * 1000).toFixed(0)} µs (p50 ${w.p50.toFixed(2)} ms) in memory; ${out.validity.non2xx} non-2xx, ${check.sameReceipt}/${fired.length} with their one receipt`);
  return out;
}

async function figureDisk({ port, pid, apiKey, SoftAuthenticator, origin }) {
  const client = api(`http://127.0.0.1:${port}`, apiKey, origin);
  const users = await pool(Array.from({ length: 100 }, (_, i) => `disk-user-${i}`), 8, (id) => enrollUser(client, SoftAuthenticator, id));
  const tickets = await prepareTickets(client, users, 100 + N.c1 + N.c16);
  const headers = { 'content-type': 'application/json', origin };
  const url = `http://127.0.0.1:${port}`;
  const strip = ({ receipts: _r, ...rest }) => rest;
  await loadRun({ url, connections: 16, amount: 100, items: tickets.slice(0, 100), headers, pid });
  const c1 = strip(await loadRun({ url, connections: 1, amount: N.c1, items: tickets.slice(100, 100 + N.c1), headers, pid }));
  const c16 = strip(await loadRun({ url, connections: 16, amount: N.c16, items: tickets.slice(100 + N.c1), headers, pid }));
  log(`reference, SQLite on disk: c=1 ${c1.rps.toFixed(0)} req/s (p50 ${c1.p50.toFixed(2)} ms), c=16 ${c16.rps.toFixed(0)} req/s (p50 ${c16.p50.toFixed(2)} ms, p99 ${c16.p99.toFixed(2)} ms), ${c1.non2xx + c16.non2xx} non-2xx`);
  return { c1, c16 };
}

async function figureWranglerDev({ apiKey, signingJwk, SoftAuthenticator }) {
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
  };
  const envFile = join(dir, '.env');
  // Single quotes: dotenv takes them literally (in double quotes it would keep the JSON's \" escapes).
  await writeFile(envFile, Object.entries(vars).map(([k, v]) => `${k}='${v}'`).join('\n') + '\n');
  const wd = start(
    process.execPath,
    [join(root, 'node_modules/wrangler/bin/wrangler.js'), 'dev', '--port', String(port), '--ip', '127.0.0.1', '--persist-to', join(dir, 'state'), '--env-file', envFile, '--show-interactive-dev-session=false', '--log-level', 'warn'],
    { cwd: root, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true', NO_COLOR: '1' } },
  );
  procs.push(wd);
  try {
    await waitFor(`http://127.0.0.1:${port}/healthz`, wd, 90_000);
    const client = api(`http://127.0.0.1:${port}`, apiKey, `http://localhost:${port}`);
    const users = await pool(Array.from({ length: 32 }, (_, i) => `wd-user-${i}`), 4, (id) => enrollUser(client, SoftAuthenticator, id));
    const tickets = await prepareTickets(client, users, N.wdTickets + 100, 8);
    const headers = { 'content-type': 'application/json', origin: `http://localhost:${port}` };
    const url = `http://127.0.0.1:${port}`;
    await loadRun({ url, connections: 16, amount: 100, items: tickets.slice(0, 100), headers });
    const verify = await loadRun({ url, connections: 16, amount: N.wdTickets, items: tickets.slice(100), headers });
    const healthz = await loadRun({ url, connections: 16, amount: N.wdEmpty, fixed: { method: 'GET', path: '/healthz' } });
    const strip = ({ receipts: _r, ...rest }) => rest;
    log(`reference: wrangler dev c=16 verify ${verify.rps.toFixed(0)} req/s (${verify.non2xx} non-2xx${verify.problems ? `: ${verify.problems[0]}` : ''}), /healthz ${healthz.rps.toFixed(0)} req/s`);
    return { verify: strip(verify), healthz: strip(healthz) };
  } finally {
    await wd.stop();
  }
}

try {
  await main();
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await cleanup();
  clearTimeout(limit);
}
