/**
 * The table's rows for figures 1 to 3: CPU per verify inside workerd (1, 1a–1f),
 * verify throughput and the stateful floor under load (2, 2e, 2f), and the hot
 * user (3). `add` appends one row (report.mjs).
 */
import { int, ms, rps, x2 } from './report-format.mjs';

export function verifyRows(res, add) {
  const f = res.figures;
  if (f.cpu) {
    const m = f.cpu.medians;
    const floorMs = m.floor.cpuUs / 1000;
    const vMs = m.verify.cpuUs / 1000;
    const r = vMs / floorMs;
    add(
      '1. CPU per verify, whole path, in workerd (in-isolate batches)',
      `${ms(vMs)} (wall ${ms(m.verify.wallUs / 1000)})`,
      `crypto floor ${ms(floorMs)}`,
      r,
      '≤ 4× floor and ≤ 0.5 ms',
      r <= 4 && vMs <= 0.5,
    );
    if (m['verify-cold']) {
      const c = m['verify-cold'].cpuUs / 1000;
      add(
        '1. … the same for a ticket the vault no longer holds in memory (the object still running; for an object evicted and started again, see the `ref.` row below)',
        ms(c),
        `crypto floor ${ms(floorMs)}`,
        c / floorMs,
        '—',
        null,
      );
    }
    add(
      '1a. … of which the Durable Object (verifyAction over RPC)',
      ms(m['do-verify'].cpuUs / 1000),
      `crypto floor ${ms(floorMs)}`,
      m['do-verify'].cpuUs / m.floor.cpuUs,
      '—',
      null,
    );
    add(
      '1b. Stateless baseline in the same batches (simplewebauthn + jose)',
      ms(m.baseline.cpuUs / 1000),
      `crypto floor ${ms(floorMs)}`,
      m.baseline.cpuUs / m.floor.cpuUs,
      '—',
      null,
    );
  }
  // Rows 1e and 1f follow 1c and 1d, which come from the load runs.
  const statefulRows = () => {
    const m = f.cpu?.medians;
    const sf = m?.['stateful-floor'];
    if (!m || !sf) return;
    add(
      '1e. Stateful floor: the least an exactly-once approval on a Durable Object does (body read and parsed, one RPC, the crypto floor, one guarded UPDATE and its commit, a JSON response)',
      ms(sf.cpuUs / 1000),
      `crypto floor ${ms(m.floor.cpuUs / 1000)}`,
      sf.cpuUs / m.floor.cpuUs,
      '—',
      null,
    );
    add(
      '1f. Whole path against the stateful floor',
      ms(m.verify.cpuUs / 1000),
      `stateful floor ${ms(sf.cpuUs / 1000)}`,
      m.verify.cpuUs / sf.cpuUs,
      '—',
      null,
    );
  };
  const s = f.load?.summaries;
  if (!s) statefulRows();
  if (s) {
    const full1 = s['full c=1'];
    const floor1 = s['floor route c=1'];
    add(
      '1c. workerd main-thread CPU per HTTP request, c=1: verify vs floor route',
      ms(full1.cpuMsPerRequest),
      `floor route ${ms(floor1.cpuMsPerRequest)}`,
      full1.cpuMsPerRequest / floor1.cpuMsPerRequest,
      '—',
      null,
    );
    add(
      '1d. … an empty route, for scale (/healthz vs bare Hono)',
      ms(s['healthz c=1'].cpuMsPerRequest),
      `bare Hono ${ms(s['empty route c=1'].cpuMsPerRequest)}`,
      s['healthz c=1'].cpuMsPerRequest / s['empty route c=1'].cpuMsPerRequest,
      '—',
      null,
    );
    statefulRows();
    for (const c of [1, 16, 64]) {
      const a = s[`full c=${c}`];
      const b = s[`baseline c=${c}`];
      const r = a.rps / b.rps;
      add(
        `2. Verify throughput, ${res.counts.users} users, concurrency ${c}`,
        rps(a),
        `stateless ${rps(b)}`,
        r,
        '≥ 0.8× baseline req/s',
        r >= 0.8,
      );
    }
    if (s['stateful floor c=1']) {
      const floorRatio = (c) =>
        s[`stateful floor c=${c}`].rps / s[`baseline beside the floor c=${c}`].rps;
      for (const c of [1, 16, 64]) {
        const sf = s[`stateful floor c=${c}`];
        const b = s[`baseline beside the floor c=${c}`];
        add(
          `2e. Stateful floor (1e) per HTTP request, ${res.counts.users} objects, concurrency ${c}, in rounds of its own beside the baseline`,
          `${rps(sf)}; ${ms(sf.cpuMsPerRequest)} CPU per request`,
          `stateless ${rps(b)}; ${ms(b.cpuMsPerRequest)} CPU per request`,
          floorRatio(c),
          '—',
          null,
        );
      }
      const vs = [1, 16, 64].map(
        (c) => s[`full c=${c}`].rps / s[`baseline c=${c}`].rps / floorRatio(c),
      );
      add(
        "2f. Verify against the stateful floor: figure 2's ratio over 2e's, concurrency 1 / 16 / 64",
        vs.map((x) => x2(x)).join(' / '),
        'stateful floor (2e)',
        NaN,
        '—',
        null,
      );
    }
    const v = f.load.validity;
    const okAll =
      v.non2xx === 0 &&
      v.errors === 0 &&
      v.sameReceipt === v.ticketsFired &&
      v.baselineNon2xx === 0;
    add(
      '2. Valid flows under load',
      `${v.non2xx} non-2xx, ${v.errors} errors; ${int(v.sameReceipt)}/${int(v.ticketsFired)} tickets approved with exactly their one receipt`,
      '—',
      NaN,
      '0 non-2xx; one receipt per ticket',
      okAll,
    );
    const h = s['hot user c=64'];
    add(
      '3. Hot user: 64 concurrent approvals, one Durable Object',
      rps(h),
      `${res.counts.users} users c=64: ${int(s['full c=64'].rps)} req/s`,
      h.rps / s['full c=64'].rps,
      'report (worst case)',
      null,
    );
    const doUs = f.cpu?.medians?.['do-verify']?.cpuUs;
    if (doUs)
      add(
        "3a. … one user's ceiling in production: 1 / the object's CPU per verify (1a)",
        `≈ ${int(1e6 / doUs)} approvals/s`,
        '—',
        NaN,
        'report',
        null,
      );
    const hf = s['hot user c=64, fetch client'];
    if (hf)
      add(
        "3b. … the same 64 concurrent approvals from a second client (64 loops of Node fetch); ratio: its p99 to autocannon's",
        `${rps(hf)}, max ${ms(hf.max)}`,
        `autocannon: ${rps(h)}, max ${ms(h.max)}`,
        hf.p99 / h.p99,
        'report',
        null,
      );
  }
}
