/**
 * Figures 2 and 3: verify throughput under load with autocannon, beside the
 * stateless baseline (alternating which goes first), the stateful floor in
 * rounds of its own beside the baseline again, the hot user from two
 * clients, and afterwards the exactly-once check of every ticket fired.
 */
import { fetchLoad } from './fetch-load.mjs';
import { median, loadRun } from './load.mjs';
import { checkTickets } from './prep.mjs';

const CONCURRENCY = [1, 16, 64];

/** Medians over a label's rounds. */
function summary(runs, label) {
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
}

export async function figureLoad({
  ports,
  pid,
  fullTickets,
  hotTickets,
  floorItems,
  baselineBodies,
  verifyOrigin,
  floorOrigin,
  psea,
  N,
  log,
}) {
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
  keep(
    'warm-up full',
    await loadRun({
      url: PSEA,
      connections: 16,
      amount: N.users,
      items: take(N.users),
      headers,
      pid,
    }),
  );
  keep(
    'warm-up baseline',
    await loadRun({
      url: BASE,
      connections: 16,
      amount: N.warm,
      fixed: { path: '/v1/verify' },
      bodies: baselineBodies,
      headers,
      pid,
    }),
  );

  const amountOf = { 1: N.c1, 16: N.c16, 64: N.c64 };
  for (let r = 0; r < N.loadRounds; r++) {
    for (const c of CONCURRENCY) {
      const n = amountOf[c];
      const pair = [
        async () =>
          keep(
            `full c=${c}`,
            await loadRun({ url: PSEA, connections: c, amount: n, items: take(n), headers, pid }),
          ),
        async () =>
          keep(
            `baseline c=${c}`,
            await loadRun({
              url: BASE,
              connections: c,
              amount: n,
              fixed: { path: '/v1/verify' },
              bodies: baselineBodies,
              headers,
              pid,
            }),
          ),
      ];
      if (r % 2) pair.reverse();
      for (const f of pair) await f();
    }
    // Per-request CPU of the floor and of empty routes, at concurrency 1.
    keep(
      'floor route c=1',
      await loadRun({
        url: BASE,
        connections: 1,
        amount: N.c1,
        fixed: { path: '/floor' },
        bodies: baselineBodies,
        headers,
        pid,
      }),
    );
    keep(
      'empty route c=1',
      await loadRun({
        url: BASE,
        connections: 1,
        amount: N.c1,
        fixed: { method: 'GET', path: '/empty' },
        pid,
      }),
    );
    keep(
      'healthz c=1',
      await loadRun({
        url: PSEA,
        connections: 1,
        amount: N.c1,
        fixed: { method: 'GET', path: '/healthz' },
        pid,
      }),
    );
    log(`load round ${r + 1}/${N.loadRounds} done`);
  }
  keep(
    'healthz c=16',
    await loadRun({
      url: PSEA,
      connections: 16,
      amount: N.emptyN,
      fixed: { method: 'GET', path: '/healthz' },
      pid,
    }),
  );

  // Figure 2's stateful floor, in rounds of its own beside the baseline again: run among the rounds
  // above, it would stretch them until their users' objects sat idle past the 10 s eviction.
  keep(
    'warm-up stateful floor',
    await loadRun({
      url: FLOOR,
      connections: 16,
      amount: N.users,
      items: takeFloor(N.users),
      headers: floorHeaders,
      pid,
    }),
  );
  for (let r = 0; r < N.loadRounds; r++) {
    for (const c of CONCURRENCY) {
      const n = amountOf[c];
      const pair = [
        async () =>
          keep(
            `stateful floor c=${c}`,
            await loadRun({
              url: FLOOR,
              connections: c,
              amount: n,
              items: takeFloor(n),
              headers: floorHeaders,
              pid,
            }),
          ),
        async () =>
          keep(
            `baseline beside the floor c=${c}`,
            await loadRun({
              url: BASE,
              connections: c,
              amount: n,
              fixed: { path: '/v1/verify' },
              bodies: baselineBodies,
              headers,
              pid,
            }),
          ),
      ];
      if (r % 2) pair.reverse();
      for (const f of pair) await f();
    }
  }

  // Figure 3: one user, one Durable Object, 64 at once.
  let hat = 0;
  keep(
    'warm-up hot',
    await loadRun({
      url: PSEA,
      connections: 64,
      amount: 64,
      items: hotTickets.slice(hat, (hat += 64)),
      headers,
      pid,
    }),
  );
  for (let r = 0; r < N.hotRounds; r++) {
    keep(
      'hot user c=64',
      await loadRun({
        url: PSEA,
        connections: 64,
        amount: N.hot,
        items: hotTickets.slice(hat, (hat += N.hot)),
        headers,
        pid,
      }),
    );
    // The same load from a second client: is figure 3's tail the server's or autocannon's?
    keep(
      'hot user c=64, fetch client',
      await fetchLoad({
        url: PSEA,
        connections: 64,
        items: hotTickets.slice(hat, (hat += N.hot)),
        headers,
        pid,
      }),
    );
  }

  // Exactly once: every fired ticket approved, carrying the receipt its one verify returned.
  const fired = [...fullTickets.slice(0, at), ...hotTickets.slice(0, hat)];
  const check = await checkTickets(psea, fired, receipts);
  const fullRuns = runs.filter(
    (x) =>
      x.label.startsWith('full') ||
      x.label.startsWith('hot') ||
      x.label === 'warm-up full' ||
      x.label === 'warm-up hot',
  );
  const validity = {
    verifyRequests: fullRuns.reduce((n, x) => n + x.requests, 0),
    non2xx: fullRuns.reduce((n, x) => n + x.non2xx, 0),
    errors: fullRuns.reduce((n, x) => n + x.errors, 0),
    baselineNon2xx: runs
      .filter((x) => x.label.includes('baseline'))
      .reduce((n, x) => n + x.non2xx + x.errors, 0),
    ticketsFired: fired.length,
    ...check,
  };
  const bad = runs
    .filter((x) => x.non2xx || x.errors)
    .map((x) => `${x.label}: ${JSON.stringify(x.statuses)} ${(x.problems ?? []).join(' | ')}`);
  if (bad.length) log(`non-2xx or errors in: ${bad.join('; ')}`);
  log(
    `load validity: ${validity.verifyRequests} verify requests, ${validity.non2xx} non-2xx, ${validity.errors} errors; ${validity.sameReceipt}/${validity.ticketsFired} tickets approved with exactly their one receipt`,
  );

  const labels = [...new Set(runs.map((x) => x.label))].filter((l) => !l.startsWith('warm-up'));
  const summaries = Object.fromEntries(labels.map((l) => [l, summary(runs, l)]));
  for (const c of CONCURRENCY) {
    const f = summaries[`full c=${c}`];
    const b = summaries[`baseline c=${c}`];
    const sf = summaries[`stateful floor c=${c}`];
    const sb = summaries[`baseline beside the floor c=${c}`];
    log(
      `figure 2 c=${c}: full ${f.rps.toFixed(0)} req/s (p50 ${f.p50.toFixed(2)} ms, p99 ${f.p99.toFixed(2)} ms), baseline ${b.rps.toFixed(0)} req/s → ${(f.rps / b.rps).toFixed(2)}×; stateful floor ${sf.rps.toFixed(0)} req/s, baseline beside it ${sb.rps.toFixed(0)} req/s → ${(sf.rps / sb.rps).toFixed(2)}×`,
    );
  }
  const h = summaries['hot user c=64'];
  log(
    `figure 3: hot user ${h.rps.toFixed(0)} req/s, p50 ${h.p50.toFixed(2)} ms, p99 ${h.p99.toFixed(2)} ms`,
  );
  const hf = summaries['hot user c=64, fetch client'];
  log(
    `figure 3, fetch client: ${hf.rps.toFixed(0)} req/s, p50 ${hf.p50.toFixed(2)} ms, p99 ${hf.p99.toFixed(2)} ms`,
  );
  return { summaries, validity, runs };
}
