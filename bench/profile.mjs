#!/usr/bin/env node
/**
 * Where one verify's CPU goes, by source module and by function: a V8 CPU
 * profile of the cpu worker's isolate (the real Worker and its Durable
 * Object, bench/workers/cpu-worker.js) while it runs verify batches, taken
 * through workerd's inspector. A development tool, not part of `npm run bench`:
 *
 *   node bench/profile.mjs [--n=400] [--kind=verify] [--no-build]
 *
 * Writes bench/.tmp/<kind>.cpuprofile (open it in Chrome DevTools) and prints
 * self time grouped by the bundle's source modules (esbuild's `// path`
 * markers) and the top functions. The sampling profiler slows the code down;
 * read the shares, not the absolute times.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

if (typeof WebSocket === 'undefined') {
  // Node 20 has a WebSocket client behind a flag.
  const r = spawnSync(process.execPath, ['--experimental-websocket', '--no-warnings', ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const { buildAll } = await import('./lib/build.mjs');
const { pool, enrollUser, prepareTickets } = await import('./lib/prep.mjs');
const { freePort } = await import('./lib/procs.mjs');
const { startServers } = await import('./lib/servers.mjs');

process.env.WRANGLER_SEND_METRICS = 'false';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tmp = join(root, 'bench', '.tmp');
const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;
const n = Number(arg('n', '400'));
const kind = arg('kind', 'verify');
const storageRoot = existsSync('/dev/shm') ? `/dev/shm/psea-profile-${process.pid}` : join(tmp, 'do-storage');

process.on('exit', () => storageRoot.startsWith('/dev/shm/') && rmSync(storageRoot, { recursive: true, force: true }));
process.stdout.on('error', () => process.exit(1));
if (!process.argv.includes('--no-build')) await buildAll(root, tmp, (m) => console.log(m));
const { SoftAuthenticator } = await import(pathToFileURL(join(tmp, 'node/soft-auth.mjs')).href);
const inspectorPort = await freePort();
const s = await startServers({ root, tmp, storageRoot, SoftAuthenticator, inspectorPort });

/** A minimal CDP client over the inspector WebSocket. */
async function cdp(url) {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let id = 0;
  const waiting = new Map();
  ws.onmessage = (e) => {
    const msg = JSON.parse(e.data);
    if (msg.id && waiting.has(msg.id)) {
      const { resolve, reject } = waiting.get(msg.id);
      waiting.delete(msg.id);
      if (msg.error) reject(new Error(msg.error.message));
      else resolve(msg.result);
    }
  };
  return {
    send: (method, params = {}) =>
      new Promise((resolve, reject) => {
        waiting.set(++id, { resolve, reject });
        ws.send(JSON.stringify({ id, method, params }));
      }),
    close: () => ws.close(),
  };
}

try {
  const warm = 100;
  // At most ~24 tickets per user, so each vault still holds them in memory (it keeps 32), as after a fresh issue.
  const users = await pool(Array.from({ length: Math.max(8, Math.ceil((warm + n) / 24)) }, (_, i) => `cpu-user-${i}`), 4, (id) => enrollUser(s.cpu, SoftAuthenticator, id));
  if (kind === 'verify' || kind === 'do-verify') {
    const tickets = await prepareTickets(s.cpu, users, warm + n, 8);
    for (let i = 0; i < tickets.length; i += 400) await s.cpu.must(200, `/__bench/stash?kind=${kind}`, { method: 'POST', body: tickets.slice(i, i + 400) });
  } else {
    // The steps on scratch rows (stateful-floor, do-commit-real-rpc, …) start from one approved ticket.
    await s.cpu.must(200, '/__bench/stash?kind=verify', { method: 'POST', body: await prepareTickets(s.cpu, users.slice(0, 1), 1) });
    await s.cpu.must(200, '/__bench/run?kind=verify&n=1', { method: 'POST' });
  }
  await s.cpu.must(200, `/__bench/run?kind=${kind}&n=${warm}`, { method: 'POST' });

  const session = await cdp(`ws://127.0.0.1:${inspectorPort}/cpu`);
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: 50 });
  await session.send('Profiler.start');
  const result = await s.cpu.must(200, `/__bench/run?kind=${kind}&n=${n}`, { method: 'POST' });
  const { profile } = await session.send('Profiler.stop');
  session.close();
  if (result.ok !== n) throw new Error(`profiled batch: ${JSON.stringify(result)}`);
  await writeFile(join(tmp, `${kind}.cpuprofile`), JSON.stringify(profile));

  // Map bundle lines to source modules through esbuild's `// path` markers.
  const bundle = (await readFile(join(tmp, 'cpu/index.js'), 'utf8')).split('\n');
  const markers = [];
  bundle.forEach((line, i) => {
    const m = /^\/\/ ((?:node_modules|worker|bench|test)\/\S+)$/.exec(line);
    if (m) markers.push([i, m[1].replace(/^node_modules\/(@[^/]+\/[^/]+|[^/]+)\/.*/, 'node_modules/$1 (package)')]);
  });
  const moduleOf = (line) => {
    let lo = 0;
    let hi = markers.length - 1;
    let found = '(bundle prelude)';
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (markers[mid][0] <= line) {
        found = markers[mid][1];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };

  const self = new Map(profile.nodes.map((node) => [node.id, 0]));
  profile.samples.forEach((id, i) => self.set(id, self.get(id) + (profile.timeDeltas[i] ?? 0)));
  const byModule = new Map();
  const byFunction = new Map();
  let total = 0;
  for (const node of profile.nodes) {
    const t = self.get(node.id);
    if (!t) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url.endsWith('index.js') ? moduleOf(lineNumber) : url ? url : `(${functionName || 'native'})`;
    const fn = `${functionName || '(anonymous)'} — ${where}${url.endsWith('index.js') ? `:${lineNumber + 1}` : ''}`;
    if (functionName === '(idle)') continue;
    total += t;
    byModule.set(where, (byModule.get(where) ?? 0) + t);
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + t);
  }
  const show = (title, map, top) => {
    console.log(`\n${title}`);
    for (const [k, v] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`  ${((100 * v) / total).toFixed(1).padStart(5)}%  ${(v / n).toFixed(1).padStart(7)} µs/op  ${k}`);
    }
  };
  console.log(`\n${kind}: ${n} iterations profiled, ${(total / n).toFixed(0)} µs sampled per iteration (profiler on), profile in bench/.tmp/${kind}.cpuprofile`);
  show('self time by source module', byModule, 25);
  show('self time by function', byFunction, 30);
} finally {
  await s.workerd.stop();
}
