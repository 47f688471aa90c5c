/**
 * One bounded load run with autocannon (in-process, keep-alive, pipelining 1,
 * a fixed number of requests over a fixed number of connections), plus what
 * autocannon does not give: sub-millisecond latency percentiles (its
 * per-response durations, from process.hrtime), the receipts per ticket, and
 * the server's CPU time over the run (from /proc).
 */
import autocannon from 'autocannon';
import { cpuTimes } from './procs.mjs';

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * @param {object} o
 * @param {string} o.url          base URL (loopback)
 * @param {number} o.connections
 * @param {number} o.amount       total requests
 * @param {Array<{ticket:string, body:string, user:string, serial:boolean, path?:string}>} [o.items]  one verify per item
 *   (per user in order; `serial`: not while that user has one in flight), to `path` when given
 * @param {{method:string, path:string, body?:string}} [o.fixed]  the same request every time
 * @param {Array<string>} [o.bodies]  fixed path, bodies cycled
 * @param {Record<string,string>} [o.headers]
 * @param {number} [o.pid]        server process to read CPU time from
 */
export async function loadRun(o) {
  const latencies = [];
  const statuses = {};
  const receipts = new Map();
  const problems = [];
  let next = 0;
  let requests;
  if (o.items) {
    if (o.items.length < o.amount)
      throw new Error(`load: ${o.amount} requests but ${o.items.length} tickets`);
    // One person approves one thing at a time: a user's next ticket goes out only after the
    // answer to their previous one (its counter is higher), unless their passkey has no counter.
    const queues = new Map();
    for (const item of o.items.slice(0, o.amount)) {
      if (!queues.has(item.user)) queues.set(item.user, []);
      queues.get(item.user).push(item);
    }
    const userIds = [...queues.keys()];
    const busy = new Set();
    let rr = 0;
    const nextItem = () => {
      for (let k = 0; k < userIds.length; k++) {
        const u = userIds[rr];
        rr = (rr + 1) % userIds.length;
        const q = queues.get(u);
        if (q.length && !(busy.has(u) && q[0].serial)) return q.shift();
      }
      throw new Error('load: every remaining ticket belongs to a user with one in flight');
    };
    requests = [
      {
        method: 'POST',
        setupRequest(req, context) {
          const item = nextItem();
          busy.add(item.user);
          context.item = item;
          return {
            ...req,
            path: item.path ?? `/v1/actions/${item.ticket}/verify`,
            body: item.body,
          };
        },
        onResponse(status, body, context) {
          busy.delete(context.item.user);
          if (status === 200) receipts.set(context.item.ticket, JSON.parse(body).receipt);
          else if (problems.length < 5) problems.push(`${status} ${body}`);
        },
      },
    ];
  } else if (o.bodies) {
    requests = [
      {
        method: 'POST',
        path: o.fixed.path,
        setupRequest: (req) => ({ ...req, body: o.bodies[next++ % o.bodies.length] }),
      },
    ];
  } else {
    requests = [
      {
        method: o.fixed.method,
        path: o.fixed.path,
        ...(o.fixed.body ? { body: o.fixed.body } : {}),
      },
    ];
  }
  const readCpu = () => (o.pid ? cpuTimes(o.pid) : { main: NaN, total: NaN });
  const cpu0 = readCpu();
  const t0 = performance.now();
  const instance = autocannon({
    url: o.url,
    connections: o.connections,
    amount: o.amount,
    pipelining: 1,
    timeout: 20,
    sampleInt: 100,
    headers: o.headers ?? {},
    requests,
  });
  // autocannon resolves on its next 1 s sample tick after the last response, so
  // the run's duration is taken from the start to the last response instead.
  let tLast = t0;
  instance.on('response', (_client, status, _bytes, ms) => {
    tLast = performance.now();
    latencies.push(ms);
    statuses[status] = (statuses[status] ?? 0) + 1;
  });
  const result = await instance;
  const cpu1 = readCpu();
  return {
    ...runSummary({
      connections: o.connections,
      latencies,
      statuses,
      seconds: (tLast - t0) / 1000,
      errors: result.errors + result.timeouts,
      cpu0,
      cpu1,
    }),
    receipts,
    ...(problems.length ? { problems } : {}),
  };
}

/**
 * What every load run reports, whichever client made it: counts, req/s over
 * `seconds`, latency percentiles (ms), and the server's CPU per request from
 * two cpuTimes readings (NaN without them).
 * @param {{ connections: number, latencies: number[], statuses: Record<string, number>, seconds: number, errors: number, cpu0?: { main: number, total: number }, cpu1?: { main: number, total: number } }} r
 */
export function runSummary({ connections, latencies, statuses, seconds, errors, cpu0, cpu1 }) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const ok = Object.entries(statuses).reduce(
    (n, [s, c]) => (Number(s) >= 200 && Number(s) < 300 ? n + c : n),
    0,
  );
  const perRequest = (key) =>
    cpu0 && cpu1 ? (cpu1[key] - cpu0[key]) / 1e6 / Math.max(1, sorted.length) : NaN;
  return {
    connections,
    requests: sorted.length,
    ok,
    non2xx: sorted.length - ok,
    errors,
    statuses,
    seconds,
    rps: ok / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
    /** The server's main thread (event loop, isolates) and all its threads, per request. */
    cpuMsPerRequest: perRequest('main'),
    cpuAllThreadsMsPerRequest: perRequest('total'),
  };
}
