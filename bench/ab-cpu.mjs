#!/usr/bin/env node
/**
 * Figure 1 as a paired comparison of two checkouts, for optimisation work on
 * a noisy host: one workerd per checkout, both up at once, and batches of
 * each kind run alternately on A and B, so that both meet the same host in
 * the same minute. Prints, per kind, each side's median CPU per call and the
 * median of the per-round ratios B/A. A development tool, not part of `npm run bench`:
 *
 *   node bench/ab-cpu.mjs --a=/path/to/other/checkout [--rounds=12] [--n=150] [--kinds=verify,stateful-floor]
 *
 * B is this checkout. A needs its own node_modules (a symlink will do).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { devServers } from './lib/dev-servers.mjs';
import { median } from './lib/load.mjs';
import { enrollUser, pool, prepareTickets } from './lib/prep.mjs';
import { cpuTimes } from './lib/procs.mjs';

process.env.WRANGLER_SEND_METRICS = 'false';
const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;
const rootB = join(dirname(fileURLToPath(import.meta.url)), '..');
const rootA = arg('a', undefined);
if (!rootA) throw new Error('usage: node bench/ab-cpu.mjs --a=<other checkout>');
const rounds = Number(arg('rounds', '12'));
const n = Number(arg('n', '150'));
const kinds = arg('kinds', 'verify,stateful-floor').split(',');
const USERS = 24;

async function side(label, root) {
  const { s, SoftAuthenticator } = await devServers({ root, label: `ab-cpu-${label}` });
  const users = await pool(Array.from({ length: USERS }, (_, i) => `cpu-user-${i}`), 4, (id) => enrollUser(s.cpu, SoftAuthenticator, id));
  // The scratch-row kinds start from one approved ticket.
  await s.cpu.must(200, '/__bench/stash?kind=verify', { method: 'POST', body: await prepareTickets(s.cpu, users.slice(0, 1), 1) });
  await s.cpu.must(200, '/__bench/run?kind=verify&n=1', { method: 'POST' });
  const batch = async (kind, count) => {
    const c0 = cpuTimes(s.workerd.pid);
    const { status, data } = await s.cpu.call(`/__bench/run?kind=${kind}&n=${count}`, { method: 'POST' });
    const c1 = cpuTimes(s.workerd.pid);
    if (status !== 200 || data.ok !== count) throw new Error(`${label} ${kind}: ${status} ${JSON.stringify(data)}`);
    return (c1.main - c0.main) / 1e6;
  };
  const stash = async (count) => {
    const tickets = await prepareTickets(s.cpu, users, count, 8);
    for (let i = 0; i < tickets.length; i += 400) await s.cpu.must(200, '/__bench/stash?kind=verify', { method: 'POST', body: tickets.slice(i, i + 400) });
  };
  return { label, s, batch, stash };
}

const A = await side('A', rootA);
const B = await side('B', rootB);
try {
  const sides = [A, B];
  const per = Object.fromEntries(kinds.map((k) => [k, { A: [], B: [] }]));
  for (const x of sides) {
    if (kinds.includes('verify')) await x.stash(n >> 1);
    for (const k of kinds) await x.batch(k, k === 'verify' ? n >> 1 : 50);
  }
  for (let r = 0; r < rounds; r++) {
    if (kinds.includes('verify')) for (const x of sides) await x.stash(n);
    for (const k of kinds) {
      const order = r % 2 ? [B, A] : [A, B];
      for (const x of order) {
        const noop = await x.batch('noop', 1);
        per[k][x.label].push(((await x.batch(k, n)) - noop) * 1000 / n);
      }
    }
    process.stdout.write(`round ${r + 1}: ${kinds.map((k) => `${k} A ${per[k].A.at(-1).toFixed(0)} B ${per[k].B.at(-1).toFixed(0)} µs`).join(', ')}\n`);
  }
  console.log(`\n${rounds} rounds of ${n} calls, µs CPU per call (medians), B = ${rootB}, A = ${rootA}:`);
  for (const k of kinds) {
    const ratio = median(per[k].B.map((b, i) => b / per[k].A[i]));
    console.log(`  ${k.padEnd(20)} A ${median(per[k].A).toFixed(0).padStart(5)}  B ${median(per[k].B).toFixed(0).padStart(5)}  B/A ${ratio.toFixed(3)}`);
  }
} finally {
  await Promise.all([A.s.workerd.stop(), B.s.workerd.stop()]);
}
