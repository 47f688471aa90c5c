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
import { mkdir } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildAll } from './lib/build.mjs';
import { figureCpu } from './lib/cpu-figure.mjs';
import { figureLoad } from './lib/load-figure.mjs';
import { enrollUser, pool, prepareFloorItems, prepareTickets } from './lib/prep.mjs';
import { figureDisk, figureEvicted, figureWranglerDev } from './lib/reference-figures.mjs';
import { startServers } from './lib/servers.mjs';
import { figureAgents } from './lib/agents-figure.mjs';
import { freePort } from './lib/procs.mjs';
import { report } from './lib/report.mjs';
import { machineInfo } from './lib/machine.mjs';
import { figureBatches } from './lib/batch-figure.mjs';
import { nodeFigures } from './lib/node-figures.mjs';
import { coldStartOnly, onlyFigure } from './lib/only-figure.mjs';
import { browserFigures } from './lib/browser-figures.mjs';
import { runOptions } from './lib/options.mjs';
import { runLifetime } from './lib/lifetime.mjs';

process.env.WRANGLER_SEND_METRICS = 'false';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tmp = join(root, 'bench', '.tmp');
const { flags, QUICK, CPU_ONLY, ONLY, VAULTS, STORAGE, storageRoot, N } = runOptions(
  process.argv.slice(2),
  tmp,
);
const began = Date.now();
const log = (msg) =>
  console.log(`[bench ${((Date.now() - began) / 1000).toFixed(1).padStart(5)}s] ${msg}`);
const { procs, cleanup, limit } = runLifetime(STORAGE, storageRoot);

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
    await coldStartOnly(results, { root, tmp, flags, quick: QUICK, log });
    return;
  }

  // ---- figures 4, 5 and 7, in Node (not with --only: it measures figure 8 alone) ----
  if (!ONLY) await nodeFigures(results, { root, tmp, N, quick: QUICK, log });

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
  const batches = () =>
    figureBatches({ psea, SoftAuthenticator, enrollUser, pid: workerd.pid, quick: QUICK, log });
  // ---- --only= figures on these servers (only-figure.mjs): one figure, printed ----
  const storageDir = join(STORAGE === 'tmpfs' ? storageRoot : join(tmp, 'do-storage'), 'psea');
  const served = { psea, cpuApi, SoftAuthenticator, workerd, inspectPort, agents, batches };
  const run = { root, tmp, flags, storageDir, vaults: VAULTS, quick: QUICK, began, log };
  if (await onlyFigure(ONLY, results, { ...served, ...run })) return;

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

  // ---- figures 9 and 6, in Chromium ----
  await browserFigures(results, {
    noBrowser: flags.has('--no-browser'),
    batches,
    ports,
    apiKey,
    log,
  });
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
