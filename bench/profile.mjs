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
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cdp, reexecWithWebSocket } from './lib/cdp.mjs';
import { selfTimeByModule } from './lib/cpu-profile.mjs';

reexecWithWebSocket();
const { pool, enrollUser, prepareTickets } = await import('./lib/prep.mjs');
const { freePort } = await import('./lib/procs.mjs');
const { devServers } = await import('./lib/dev-servers.mjs');

process.env.WRANGLER_SEND_METRICS = 'false';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tmp = join(root, 'bench', '.tmp');
const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;
const n = Number(arg('n', '400'));
const kind = arg('kind', 'verify');

process.stdout.on('error', () => process.exit(1));
const inspectorPort = await freePort();
const { s, SoftAuthenticator } = await devServers({ root, label: 'profile', build: !process.argv.includes('--no-build'), log: console.log, inspectorPort });

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

  const { total, byModule, byFunction } = selfTimeByModule(profile, await readFile(join(tmp, 'cpu/index.js'), 'utf8'));
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
