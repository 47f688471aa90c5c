/**
 * `--only=profile`: where a verify's CPU goes, by V8's sampling profiler
 * (workerd started with `--inspector-addr`). One batch of `verify` (the
 * whole path, as figure 1 runs it) is profiled; self time is summed per
 * function and per source (our code by file, a dependency by package,
 * `(program)`/`(garbage collector)` as V8 names them). Native work (SQLite,
 * BoringSSL) counts as the JS function that called it. A profile slows what
 * it measures, so only its shares are reported, never its times.
 */
import { readFileSync } from 'node:fs';
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import WebSocket from 'ws';
import { prepareTickets } from './prep.mjs';

function connect(url) {
  const ws = new WebSocket(url);
  let id = 0;
  const waiting = new Map();
  ws.on('message', (m) => {
    const msg = JSON.parse(String(m));
    if (msg.id && waiting.has(msg.id)) {
      waiting.get(msg.id)(msg);
      waiting.delete(msg.id);
    }
  });
  const send = (method, params = {}) =>
    new Promise((resolve) => {
      const i = ++id;
      waiting.set(i, resolve);
      ws.send(JSON.stringify({ id: i, method, params }));
    });
  return new Promise((resolve, reject) => {
    ws.on('open', () => resolve({ send, close: () => ws.close() }));
    ws.on('error', reject);
  });
}

/** Where a frame's code lives (through the bundle's source map): our files by path, a dependency by package. */
function sourceOf(map, frame) {
  if (!frame.url) return '(native or V8)';
  const pos = map
    ? originalPositionFor(map, { line: frame.lineNumber + 1, column: frame.columnNumber })
    : undefined;
  const url = pos?.source ?? frame.url;
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  const ours = /(worker\/.*|packages\/psea\/src\/.*|bench\/workers\/.*)$/.exec(url);
  return ours ? ours[1] : url.replace(/^.*\//, '');
}

export async function figureProfile({
  cpuApi,
  cpuUsers,
  inspectPort,
  sourceMap,
  service = 'cpu',
  n = 300,
  log,
}) {
  const map = sourceMap ? new TraceMap(readFileSync(sourceMap, 'utf8')) : undefined;
  const targets = await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json();
  const target = targets.find((t) => t.title === service || t.id === service) ?? targets[0];
  const insp = await connect(target.webSocketDebuggerUrl);
  await insp.send('Profiler.enable');
  await insp.send('Profiler.setSamplingInterval', { interval: 50 });
  const tickets = await prepareTickets(cpuApi, cpuUsers, n + 50, 8);
  await cpuApi.must(200, '/__bench/stash?kind=verify', { method: 'POST', body: tickets });
  await cpuApi.must(200, '/__bench/run?kind=verify&n=50', { method: 'POST' }); // warm
  await insp.send('Profiler.start');
  await cpuApi.must(200, `/__bench/run?kind=verify&n=${n}`, { method: 'POST' });
  const { result } = await insp.send('Profiler.stop');
  insp.close();
  const { nodes, samples } = result.profile;
  const byId = new Map(nodes.map((x) => [x.id, x]));
  const hits = new Map();
  for (const s of samples) hits.set(s, (hits.get(s) ?? 0) + 1);
  const total = samples.length;
  const bySource = new Map();
  const byFunction = new Map();
  for (const [id, count] of hits) {
    const f = byId.get(id).callFrame;
    const src = f.url ? sourceOf(map, f) : f.functionName || '(anonymous)';
    bySource.set(src, (bySource.get(src) ?? 0) + count);
    const fn = `${f.functionName || '(anonymous)'} ${f.url ? sourceOf(map, f) : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + count);
  }
  // Inclusive time per function (self + callees), counted once per sample however deep it recurses.
  const parent = new Map();
  for (const x of nodes) for (const c of x.children ?? []) parent.set(c, x.id);
  const inclusive = new Map();
  for (const [id, count] of hits) {
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at).callFrame;
      const name = `${f.functionName || '(anonymous)'} ${f.url ? sourceOf(map, f) : ''}`;
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + count);
    }
  }
  const top = (m, k) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([name, c]) => ({ name, share: c / total }));
  const out = {
    samples: total,
    n,
    bySource: top(bySource, 30),
    byFunction: top(byFunction, 40),
    inclusive: top(inclusive, 70),
  };
  for (const r of out.bySource)
    log(`profile: ${(100 * r.share).toFixed(1).padStart(5)}%  ${r.name}`);
  for (const r of out.inclusive)
    log(`profile incl: ${(100 * r.share).toFixed(1).padStart(5)}%  ${r.name}`);
  for (const r of out.byFunction)
    log(`profile fn: ${(100 * r.share).toFixed(1).padStart(5)}%  ${r.name}`);
  return out;
}
