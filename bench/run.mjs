#!/usr/bin/env node
/**
 * `npm run bench`: every figure of docs/performance.md, from one command.
 *
 *   node bench/run.mjs                 the full run (about 3–4 minutes on 2 cores)
 *   node bench/run.mjs --quick         a smoke run with small counts (numbers not for publishing)
 *   --no-browser                       skip figure 6 (Chromium)
 *   --no-wrangler-dev                  skip the `wrangler dev` reference figure
 *   --no-write                         print only; leave results.json and docs/performance.md alone
 *   --cpu-only                         figure 1 alone, printed, not written (for optimisation work)
 *   --storage=disk                     the SQLite files on disk for every figure (default: tmpfs)
 *   --only=agents                      figure 8 alone (long-poll waiters, webhook latency), printed, not written
 *   --only=batches                     figure 9 alone (batches: POST, the page at 10,000 items, sizes), printed, not written
 *   --only=coldstart [--compare=<bundle>]  a cold isolate's start-up CPU for the bundle (and another), printed
 *   --only=profile                     where a verify's CPU goes (V8 sampling profile), printed
 *   --only=cap                         figure 10b: objects open at workerd's default SQLite cap, per kind, printed
 *   --only=memory [--vaults=N]         figure 10 alone (vaults one workerd holds, one vault's memory), printed
 *   --only=quorum                      quorum (issue 24): approver verify CPU vs a single verify, exactly once at 20 approvers, printed
 *
 * Everything listens on 127.0.0.1 and every load loop is bounded in count
 * (autocannon `amount`) and time (a hard limit on the whole run).
 * How each figure is measured: docs/performance.md; how to run: bench/README.md.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildAll } from './lib/build.mjs';
import { figureCpu } from './lib/cpu-figure.mjs';
import { figureLoad } from './lib/load-figure.mjs';
import { enrollUser, pool, prepareFloorItems, prepareTickets } from './lib/prep.mjs';
import { figureDisk, figureEvicted, figureWranglerDev } from './lib/reference-figures.mjs';
import { startServers } from './lib/servers.mjs';
import { receiptBench } from './lib/receipt-bench.mjs';
import { evidenceBench } from './lib/evidence-bench.mjs';
import { figureAgents } from './lib/agents-figure.mjs';
import { approvedVaultAtCap, figureMemory, objectsAtCap } from './lib/memory-figure.mjs';
import { figureProfile } from './lib/profile-figure.mjs';
import { figureColdStart } from './lib/cold-start.mjs';
import { freePort } from './lib/procs.mjs';
import { figureQuorum } from './lib/quorum-figure.mjs';
import { report } from './lib/report.mjs';
import { roundTrips } from './lib/round-trips.mjs';
import { machineInfo } from './lib/machine.mjs';
import { widgetSize } from './lib/widget-size.mjs';
import { figureBatches } from './lib/batch-figure.mjs';

process.env.WRANGLER_SEND_METRICS = 'false';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tmp = join(root, 'bench', '.tmp');
const flags = new Set(process.argv.slice(2));
const QUICK = flags.has('--quick');
const CPU_ONLY = flags.has('--cpu-only');
const ONLY = [...flags].find((f) => f.startsWith('--only='))?.slice(7);
if (
  ONLY !== undefined &&
  !['agents', 'batches', 'memory', 'cap', 'profile', 'coldstart', 'quorum'].includes(ONLY)
) {
  throw new Error(`--only=${ONLY}: agents, batches, memory, cap, profile, coldstart or quorum`);
}
/** Figure 10's target: vaults enrolled into one workerd (`--vaults=N`, default 10,000). */
const VAULTS = Number(
  [...flags].find((f) => f.startsWith('--vaults='))?.slice(9) ?? (QUICK ? 300 : 10_000),
);
/**
 * Where the Durable Objects' SQLite files live for the main figures: `tmpfs`
 * (/dev/shm, the default when it exists: a commit costs what SQLite and the
 * runtime do, not this VM's fsync) or `disk` (bench/.tmp). A reference row
 * always measures the bundle with its files on disk as well.
 */
const STORAGE =
  [...flags].find((f) => f.startsWith('--storage='))?.slice(10) ??
  (existsSync('/dev/shm') ? 'tmpfs' : 'disk');
const storageRoot =
  STORAGE === 'tmpfs' ? `/dev/shm/psea-bench-${process.pid}` : join(tmp, 'do-storage');

/** Counts per figure. A run is bounded by these and by HARD_LIMIT_MS. */
const N = QUICK
  ? {
      users: 100,
      evicted: 50,
      evictedRounds: 1,
      cpuUsers: 6,
      cpuRounds: 3,
      cpuVerifyN: 40,
      cpuCryptoN: 100,
      microN: 100,
      microRounds: 3,
      loadRounds: 1,
      c1: 100,
      c16: 200,
      c64: 200,
      warm: 100,
      hot: 200,
      hotRounds: 1,
      emptyN: 500,
      receiptRounds: 3,
      receiptIters: 300,
      wdTickets: 100,
      wdEmpty: 300,
    }
  : {
      users: 1000,
      evicted: 300,
      evictedRounds: 2,
      cpuUsers: 24,
      cpuRounds: 7,
      cpuVerifyN: 150,
      cpuCryptoN: 400,
      microN: 400,
      microRounds: 5,
      loadRounds: 3,
      c1: 300,
      c16: 1200,
      c64: 1200,
      warm: 400,
      hot: 800,
      hotRounds: 3,
      emptyN: 3000,
      receiptRounds: 9,
      receiptIters: 1000,
      wdTickets: 600,
      wdEmpty: 2000,
    };
const HARD_LIMIT_MS = 10 * 60 * 1000;

const began = Date.now();
const log = (msg) =>
  console.log(`[bench ${((Date.now() - began) / 1000).toFixed(1).padStart(5)}s] ${msg}`);
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
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'])
  process.on(sig, async () => {
    await cleanup();
    process.exit(130);
  });
// A closed stdout (say, `| head`) must not leave workerd running: the exit hook of lib/procs.mjs ends it.
process.on(
  'exit',
  () => STORAGE === 'tmpfs' && rmSync(storageRoot, { recursive: true, force: true }),
);
process.stdout.on('error', () => process.exit(1));

/** Figures 4, 5 and 7: in Node, no servers up. */
async function nodeFigures(results) {
  const receiptLib = await import(pathToFileURL(join(tmp, 'node/receipt.mjs')).href);
  results.figures.widget = await widgetSize(root);
  log(
    `figure 5: widget.js ${results.figures.widget.raw} B raw, ${results.figures.widget.gzip} B gzip, ${results.figures.widget.brotli} B brotli`,
  );
  results.figures.receipt = await receiptBench(receiptLib, {
    rounds: N.receiptRounds,
    iterations: N.receiptIters,
  });
  const ru = results.figures.receipt.usPerCall;
  log(
    `figure 4: verifyReceipt ${ru.verifyReceipt.toFixed(1)} µs, jose jwtVerify ${ru.jose.toFixed(1)} µs (${(ru.verifyReceipt / ru.jose).toFixed(2)}×)`,
  );
  const evidenceLib = await import(pathToFileURL(join(tmp, 'node/evidence.mjs')).href);
  results.figures.evidence = await evidenceBench(
    evidenceLib,
    root,
    QUICK ? { rounds: 3, iterations: 50, logSize: 100_000, proofs: 200 } : {},
  );
  const eu = results.figures.evidence.usPerCall;
  const ep = results.figures.evidence.proof;
  log(
    `figure 7: verifyEvidence ${eu.verifyEvidence.toFixed(0)} µs, bare verifyAuthenticationResponse ${eu.bare.toFixed(0)} µs (${(eu.verifyEvidence / eu.bare).toFixed(2)}×), one-link custody ${eu.verifyEvidenceOneLink.toFixed(0)} µs (${(eu.verifyEvidenceOneLink / eu.bare).toFixed(2)}×); inclusion proof at ${ep.logSize} entries: ${ep.hashes} hashes, made in ${ep.makeUs.toFixed(1)} µs, verified in ${ep.verifyUs.toFixed(1)} µs`,
  );
}

async function main() {
  const results = {
    quick: QUICK,
    storage: STORAGE === 'tmpfs' ? 'tmpfs (/dev/shm)' : 'disk',
    machine: await machineInfo(root),
    counts: N,
    figures: {},
  };
  log(
    `machine: ${results.machine.cpu}, ${results.machine.cores} cores, load average ${results.machine.loadAverageAtStart.join(' ')}${QUICK ? ' (--quick: smoke counts)' : ''}`,
  );

  // ---- build ----
  await mkdir(tmp, { recursive: true });
  await buildAll(root, tmp, log);
  const { SoftAuthenticator } = await import(pathToFileURL(join(tmp, 'node/soft-auth.mjs')).href);

  if (ONLY === 'coldstart') {
    const compare = [...flags].find((f) => f.startsWith('--compare='))?.slice(10);
    const compatDate =
      /compatibility_date\s*=\s*"([^"]+)"/.exec(
        readFileSync(join(root, 'wrangler.toml'), 'utf8'),
      )?.[1] ?? '2026-04-26';
    results.figures.coldStart = await figureColdStart({
      root,
      tmp,
      bundle: join(tmp, 'bundle/index.js'),
      compare,
      compatDate,
      rounds: QUICK ? 3 : 9,
      log,
    });
    return;
  }

  // ---- figures 4, 5 and 7, in Node (not with --only: it measures figure 8 alone) ----
  if (!ONLY) await nodeFigures(results);

  // ---- servers: one workerd with the real bundle (twice), the cpu worker and the baseline worker ----
  const inspectPort = ONLY === 'profile' ? await freePort() : undefined;
  const servers = await startServers({
    root,
    tmp,
    storageRoot,
    SoftAuthenticator,
    inspectPort,
    sqliteCap: ONLY === 'cap' ? 'default' : 'raised',
  });
  const { ports, origin, apiKey, signingJwk, baselineBodies, workerd } = servers;
  procs.push(workerd);
  log(
    `workerd ${results.machine.workerd} (pid ${workerd.pid}): real bundle on :${ports.psea} (SQLite on ${STORAGE}) and :${ports.disk} (on disk), cpu worker :${ports.cpu}, baseline :${ports.baseline}`,
  );
  const psea = servers.psea;
  const cpuApi = servers.cpu;
  const agents = () =>
    figureAgents({
      psea,
      cpuApi,
      SoftAuthenticator,
      enrollUser,
      pid: workerd.pid,
      webhookSecret: servers.webhookSecret,
      baselinePort: ports.baseline,
      quick: QUICK,
      log,
    });
  if (ONLY === 'quorum') {
    // Issue 24's figure, printed only (not yet a row of docs/performance.md's table).
    await figureQuorum({
      psea,
      SoftAuthenticator,
      enrollUser,
      pid: workerd.pid,
      quick: QUICK,
      log,
    });
    return;
  }
  const batches = () =>
    figureBatches({ psea, SoftAuthenticator, enrollUser, pid: workerd.pid, quick: QUICK, log });
  if (ONLY === 'batches') {
    results.figures.batches = await batches();
    console.log(JSON.stringify(results.figures.batches, null, 1));
    return;
  }
  if (ONLY === 'profile') {
    const cpuUsers = await pool(
      Array.from({ length: 24 }, (_, i) => `cpu-user-${i}`),
      4,
      (id) => enrollUser(cpuApi, SoftAuthenticator, id),
    );
    results.figures.profile = await figureProfile({
      cpuApi,
      cpuUsers,
      inspectPort,
      sourceMap: join(tmp, 'cpu/index.js.map'),
      n: QUICK ? 100 : 300,
      log,
    });
    return;
  }
  if (ONLY === 'cap') {
    const kinds = [...flags]
      .find((f) => f.startsWith('--kinds='))
      ?.slice(8)
      .split(',');
    const cap = await objectsAtCap({ cpuApi, kinds: kinds ?? ['owner', 'vault'], log });
    results.figures.cap = {
      ...cap,
      approved: await approvedVaultAtCap({ cpuApi, freshKiB: cap.vault.kibPerObject, log }),
    };
    return;
  }
  if (ONLY === 'memory') {
    const storageDir = join(STORAGE === 'tmpfs' ? storageRoot : join(tmp, 'do-storage'), 'psea');
    results.figures.memory = await figureMemory({
      psea,
      SoftAuthenticator,
      enrollUser,
      pid: workerd.pid,
      storageDir,
      target: VAULTS,
      log,
    });
    console.log(JSON.stringify(results.figures.memory, null, 1));
    return;
  }
  if (ONLY === 'agents') {
    results.figures.agents = await agents();
    results.machine.seconds = Math.round((Date.now() - began) / 1000);
    await report(root, results, { write: false, log });
    return;
  }

  // ---- enrollment through the real routes ----
  const ids = Array.from(
    { length: CPU_ONLY ? 0 : N.users },
    (_, i) => `bench-user-${String(i).padStart(4, '0')}`,
  );
  const users = await pool(ids, 8, (id) => enrollUser(psea, SoftAuthenticator, id));
  // The hot user's passkey is a synced one that reports counter 0 (as iCloud Keychain and Google Password
  // Manager do): 64 simultaneous approvals from one counting authenticator cannot happen.
  const hotUser = await enrollUser(psea, SoftAuthenticator, 'bench-hot-user', {
    counterStep: 0,
    backupEligible: true,
    backedUp: true,
  });
  const cpuUsers = await pool(
    Array.from({ length: N.cpuUsers }, (_, i) => `cpu-user-${i}`),
    4,
    (id) => enrollUser(cpuApi, SoftAuthenticator, id),
  );
  log(
    `enrolled ${users.length} users + 1 hot user (workerd bundle) and ${cpuUsers.length} users (cpu worker) through the real routes`,
  );

  // ---- figure 1: CPU per verify inside workerd ----
  results.figures.cpu = await figureCpu({ cpuApi, cpuUsers, pid: workerd.pid, N, log });
  if (CPU_ONLY) return;

  // ---- figures 2 and 3: load ----
  // Cloudflare and workerd evict an object idle for 10 s. The warm-ups approve once for every user
  // (every object), and figure 2's users are prepared last, so no timed run starts on an evicted
  // object; the `ref.` row below measures those on purpose.
  const perRound = N.c1 + N.c16 + N.c64;
  const floorItems = await prepareFloorItems(
    cpuApi,
    N.users,
    N.users + N.loadRounds * perRound,
    baselineBodies,
  );
  const hotTickets = await prepareTickets(psea, [hotUser], 2 * N.hot * N.hotRounds + 64);
  const fullTickets = await prepareTickets(psea, users, N.users + N.loadRounds * perRound);
  log(
    `prepared ${fullTickets.length} + ${hotTickets.length} (hot user) tickets with their assertions through the real routes, and ${floorItems.length} rows for the stateful floor route`,
  );
  results.figures.load = await figureLoad({
    ports,
    pid: workerd.pid,
    fullTickets,
    hotTickets,
    floorItems,
    baselineBodies,
    verifyOrigin: origin(ports.psea),
    floorOrigin: origin(ports.cpu),
    psea,
    N,
    log,
  });

  // ---- reference: a verify that finds its object evicted ----
  results.figures.evicted = await figureEvicted({
    psea,
    users,
    port: ports.psea,
    pid: workerd.pid,
    origin: origin(ports.psea),
    N,
    log,
  });

  // ---- reference: the same bundle with its SQLite files on this machine's disk ----
  results.figures.disk = await figureDisk({
    port: ports.disk,
    pid: workerd.pid,
    apiKey,
    SoftAuthenticator,
    origin: origin(ports.disk),
    N,
    log,
  });

  // ---- figure 8: long-poll waiters and webhook latency (issue 17) ----
  results.figures.agents = await agents();

  // ---- figure 9: batches (issue 25) ----
  if (flags.has('--no-browser')) results.figures.batches = { skipped: '--no-browser' };
  else
    results.figures.batches = await batches().catch((err) => ({
      skipped: `failed: ${err.message.split('\n')[0]}`,
    }));

  // ---- figure 6: round trips, in Chromium ----
  if (flags.has('--no-browser')) results.figures.roundTrips = { skipped: '--no-browser' };
  else {
    try {
      results.figures.roundTrips = await roundTrips({
        psea: { port: ports.psea },
        proxyPort: ports.proxy,
        hostPort: ports.host,
        apiKey,
      });
      const rt = results.figures.roundTrips;
      if (rt.skipped) log(`figure 6 skipped: ${rt.skipped}`);
      else
        log(
          `figure 6: click → psea-approved: hosted ${rt.hosted.requests} request(s) [${rt.hosted.serviceRequests.join(', ')}], embedded ${rt.embedded.requests} [${rt.embedded.serviceRequests.join(', ')}]`,
        );
    } catch (err) {
      results.figures.roundTrips = { skipped: `failed: ${err.message.split('\n')[0]}` };
      log(`figure 6 failed: ${err.message}`);
    }
  }
  await workerd.stop();

  // ---- reference: the same verify behind `wrangler dev` ----
  if (flags.has('--no-wrangler-dev'))
    results.figures.wranglerDev = { skipped: '--no-wrangler-dev' };
  else {
    try {
      results.figures.wranglerDev = await figureWranglerDev({
        root,
        tmp,
        apiKey,
        signingJwk,
        SoftAuthenticator,
        N,
        log,
        track: (p) => procs.push(p),
      });
    } catch (err) {
      results.figures.wranglerDev = { skipped: `failed: ${err.message.split('\n')[0]}` };
      log(`wrangler dev reference failed: ${err.message}`);
    }
  }

  results.machine.loadAverageAtEnd = (await machineInfo(root)).loadAverageAtStart;
  results.machine.seconds = Math.round((Date.now() - began) / 1000);
  await report(root, results, { write: !flags.has('--no-write'), log });
}

try {
  await main();
} catch (err) {
  console.error(err);
  // What workerd said last (an uncaught exception behind a 500, SQLITE_NOMEM …).
  for (const p of procs)
    console.error(
      `--- workerd output (last lines) ---\n${p.log().split('\n').slice(-30).join('\n')}`,
    );
  process.exitCode = 1;
} finally {
  await cleanup();
  clearTimeout(limit);
}
