#!/usr/bin/env node
/**
 * Figure 2 in small, for optimisation work: paired load rounds of our verify
 * (the real bundle), the stateful floor route and the stateless baseline, in
 * one workerd, at one concurrency. Prints per round and as medians the
 * requests per second and workerd's main-thread CPU per request, with the
 * ratios figure 2 reports. Optionally profiles one more run of each over the
 * inspector. A development tool, not part of `npm run bench`:
 *
 *   node bench/ab-load.mjs [--rounds=4] [--n=1000] [--c=16] [--users=200] [--profile] [--no-build]
 *
 * With --profile, writes bench/.tmp/http-<kind>.cpuprofile and prints self
 * time per request by source module, as bench/profile.mjs does.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRun, median } from './lib/load.mjs';
import { enrollUser, pool, prepareFloorItems, prepareTickets } from './lib/prep.mjs';
import { freePort } from './lib/procs.mjs';
import { cdp, reexecWithWebSocket } from './lib/cdp.mjs';
import { selfTimeByModule } from './lib/cpu-profile.mjs';
import { devServers } from './lib/dev-servers.mjs';

if (process.argv.includes('--profile')) reexecWithWebSocket();
process.env.WRANGLER_SEND_METRICS = 'false';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tmp = join(root, 'bench', '.tmp');
const arg = (name, dflt) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
const rounds = arg('rounds', 4);
const n = arg('n', 1000);
const c = arg('c', 16);
const userCount = arg('users', 200);
const profile = process.argv.includes('--profile');

const inspectorPort = profile ? await freePort() : undefined;
const { s, SoftAuthenticator } = await devServers({ root, label: 'ab-load', build: !process.argv.includes('--no-build'), log: console.log, inspectorPort });
const pid = s.workerd.pid;

try {
  const runsNeeded = rounds + 1 + (profile ? 1 : 0);
  const names = Array.from({ length: userCount }, (_, i) => `ab-user-${i}`);
  const users = await pool(names, 4, (id) => enrollUser(s.psea, SoftAuthenticator, id));
  // Warm-up approves once per user, so every object is loaded before the timed rounds.
  const tickets = await prepareTickets(s.psea, users, userCount + runsNeeded * n, 12);
  const floor = await prepareFloorItems(s.cpu, userCount, userCount + runsNeeded * n, s.baselineBodies);
  console.log(`prepared ${tickets.length} tickets and ${floor.length} floor rows for ${userCount} users`);
  let at = 0;
  let fat = 0;
  const take = (k) => tickets.slice(at, (at += k));
  const takeFloor = (k) => floor.slice(fat, (fat += k));
  const headers = { 'content-type': 'application/json', origin: s.psea.origin };
  const floorHeaders = { 'content-type': 'application/json', origin: s.cpu.origin };
  const runOf = {
    verify: (k) => loadRun({ url: s.psea.base, connections: c, amount: k, items: take(k), headers, pid }),
    floor: (k) => loadRun({ url: s.cpu.base, connections: c, amount: k, items: takeFloor(k), headers: floorHeaders, pid }),
    baseline: (k) => loadRun({ url: `http://127.0.0.1:${s.ports.baseline}`, connections: c, amount: k, fixed: { path: '/v1/verify' }, bodies: s.baselineBodies, headers, pid }),
  };
  await runOf.verify(userCount);
  await runOf.floor(userCount);
  await runOf.baseline(n);

  const results = { verify: [], floor: [], baseline: [] };
  for (let r = 0; r < rounds; r++) {
    const order = ['verify', 'floor', 'baseline'];
    for (let k = 0; k < r % 3; k++) order.push(order.shift());
    const line = [];
    for (const kind of order) {
      const x = await runOf[kind](n);
      if (x.non2xx || x.errors) throw new Error(`${kind}: ${JSON.stringify(x.statuses)} ${(x.problems ?? []).join(' | ')}`);
      results[kind].push(x);
      line.push(`${kind} ${x.rps.toFixed(0)} req/s ${(x.cpuMsPerRequest * 1000).toFixed(0)} µs`);
    }
    console.log(`round ${r + 1}: ${line.join(', ')}`);
  }
  const med = (kind, key) => median(results[kind].map((x) => x[key]));
  const ratio = (a, b, key) => median(results[a].map((x, i) => x[key] / results[b][i][key]));
  console.log(`\nc=${c}, ${n} requests per run, medians of ${rounds} rounds:`);
  for (const kind of Object.keys(results)) console.log(`  ${kind.padEnd(9)} ${med(kind, 'rps').toFixed(0).padStart(5)} req/s, ${(med(kind, 'cpuMsPerRequest') * 1000).toFixed(0).padStart(4)} µs CPU/request`);
  console.log(`  verify/baseline req/s ${ratio('verify', 'baseline', 'rps').toFixed(2)}×, floor/baseline ${ratio('floor', 'baseline', 'rps').toFixed(2)}×, verify/floor ${ratio('verify', 'floor', 'rps').toFixed(2)}×`);
  console.log(`  CPU per request: verify/floor ${ratio('verify', 'floor', 'cpuMsPerRequest').toFixed(2)}×, verify/baseline ${ratio('verify', 'baseline', 'cpuMsPerRequest').toFixed(2)}×`);

  if (profile) {
    for (const [kind, service, bundle] of [['verify', 'psea', 'bundle/index.js'], ['floor', 'cpu', 'cpu/index.js']]) {
      const session = await cdp(`ws://127.0.0.1:${inspectorPort}/${service}`);
      await session.send('Profiler.enable');
      await session.send('Profiler.setSamplingInterval', { interval: 50 });
      await session.send('Profiler.start');
      await runOf[kind](n);
      const { profile: p } = await session.send('Profiler.stop');
      session.close();
      await writeFile(join(tmp, `http-${kind}.cpuprofile`), JSON.stringify(p));
      const { total, byModule } = selfTimeByModule(p, await readFile(join(tmp, bundle), 'utf8'));
      console.log(`\n${kind} over HTTP: ${(total / n).toFixed(0)} µs sampled per request (profiler on)`);
      for (const [k, v] of [...byModule].sort((a, b) => b[1] - a[1]).slice(0, 22)) console.log(`  ${((100 * v) / total).toFixed(1).padStart(5)}%  ${(v / n).toFixed(1).padStart(7)} µs/op  ${k}`);
    }
  }
} finally {
  await s.workerd.stop();
}
