/**
 * Figure 1: CPU per verify inside workerd. The cpu worker runs N iterations
 * of one kind in a single request (bench/workers/cpu-steps.js); this times
 * each such batch from outside (wall clock, and workerd's CPU time from
 * /proc) and subtracts a `noop` batch. Nothing is timed inside the isolate:
 * workerd's clocks only advance on I/O.
 */
import { median } from './load.mjs';
import { prepareTickets } from './prep.mjs';
import { cpuTimes } from './procs.mjs';

/** The figure's rows, in rotating order per round; the step table's kinds, after them. */
const KINDS = ['floor', 'baseline', 'verify', 'verify-cold', 'do-verify', 'stateful-floor'];
const STEPS = [
  'get-vars',
  'rp-id-hash',
  'ticket-hash',
  'zod-parse',
  'check-assertion',
  'verify-signature',
  'import-cose-key',
  'ecdsa-verify',
  'ecdsa-sign',
  'webauthn-lib',
  'sign-receipt',
  'app-healthz',
  'post-not-found',
  'bad-ticket',
  'unknown-ticket',
  'do-ping',
  'do-status',
  'do-unknown',
  'do-sql-reads',
  'do-sql-commit',
  'do-log-append',
  'do-commit-rpc',
  'do-commit-real-rpc',
  'do-commit-floor',
  'do-commit-guard',
  'do-commit-counter',
  'do-commit-log',
  'do-commit-evidence',
  'qr-svg',
  'approve-page',
];
/** The kinds that consume a ticket prepared through the real routes. */
const TICKET_KINDS = ['verify', 'verify-cold', 'do-verify'];

/** Time one /__bench/run batch from outside: wall clock and workerd's CPU time. */
async function batch(cpuApi, pid, kind, n) {
  const c0 = cpuTimes(pid);
  const t0 = performance.now();
  const { status, data } = await cpuApi.call(`/__bench/run?kind=${kind}&n=${n}`, {
    method: 'POST',
  });
  const wall = performance.now() - t0;
  const c1 = cpuTimes(pid);
  if (status !== 200 || data.ok !== n)
    throw new Error(`batch ${kind}: ${status} ${JSON.stringify(data)}`);
  return {
    wallMs: wall,
    cpuMs: (c1.main - c0.main) / 1e6,
    allThreadsMs: (c1.total - c0.total) / 1e6,
  };
}

/**
 * @param {{ cpuApi: object, cpuUsers: object[], pid: number, N: Record<string, number>, log: (msg: string) => void }} o
 */
export async function figureCpu({ cpuApi, cpuUsers, pid, N, log }) {
  const nOf = (k) => (TICKET_KINDS.includes(k) ? N.cpuVerifyN : N.cpuCryptoN);
  const warmN = Math.max(10, N.cpuVerifyN >> 2);
  // Tickets are prepared through the real routes just before the round that approves them, as a
  // person approves seconds after the ticket is issued (prep is never timed). Each user's tickets
  // all go to one kind's queue, consumed in order, so every user's counters arrive increasing;
  // stashing verify-cold's tickets empties their vaults' memory of tickets and credentials.
  const queueOf = new Map(cpuUsers.map((u, i) => [u.id, TICKET_KINDS[i % TICKET_KINDS.length]]));
  const stashRound = async (n) => {
    const tickets = await prepareTickets(
      cpuApi,
      cpuUsers,
      TICKET_KINDS.length * n + cpuUsers.length,
      8,
    );
    for (const kind of TICKET_KINDS) {
      const list = tickets.filter((t) => queueOf.get(t.user) === kind);
      for (let i = 0; i < list.length; i += 400)
        await cpuApi.must(200, `/__bench/stash?kind=${kind}`, {
          method: 'POST',
          body: list.slice(i, i + 400),
        });
    }
  };

  await stashRound(warmN);
  for (const k of [...KINDS, ...STEPS])
    await batch(cpuApi, pid, k, TICKET_KINDS.includes(k) ? warmN : 50);
  const per = Object.fromEntries(
    [...KINDS, ...STEPS].map((k) => [k, { wallUs: [], cpuUs: [], allThreadsUs: [] }]),
  );
  const record = (k, b, noop, n) => {
    per[k].wallUs.push(((b.wallMs - noop.wallMs) * 1000) / n);
    per[k].cpuUs.push(((b.cpuMs - noop.cpuMs) * 1000) / n);
    per[k].allThreadsUs.push(((b.allThreadsMs - noop.allThreadsMs) * 1000) / n);
  };
  for (let r = 0; r < N.cpuRounds; r++) {
    await stashRound(N.cpuVerifyN);
    const order = KINDS.slice(r % KINDS.length).concat(KINDS.slice(0, r % KINDS.length));
    const noop = await batch(cpuApi, pid, 'noop', 1);
    for (const k of order) {
      const n = nOf(k);
      record(k, await batch(cpuApi, pid, k, n), noop, n);
    }
  }
  for (let r = 0; r < N.microRounds; r++) {
    const noop = await batch(cpuApi, pid, 'noop', 1);
    for (const k of STEPS) {
      record(k, await batch(cpuApi, pid, k, N.microN), noop, N.microN);
    }
  }
  const out = {
    rounds: N.cpuRounds,
    n: { verify: N.cpuVerifyN, crypto: N.cpuCryptoN, micro: N.microN },
    medians: {},
    raw: per,
  };
  for (const [k, v] of Object.entries(per))
    out.medians[k] = {
      wallUs: median(v.wallUs),
      cpuUs: median(v.cpuUs),
      allThreadsUs: median(v.allThreadsUs),
    };
  const m = out.medians;
  log(
    `figure 1 steps (µs CPU per call): ${STEPS.map((k) => `${k} ${m[k].cpuUs.toFixed(1)}`).join(', ')}`,
  );
  log(
    `figure 1: stateful floor ${m['stateful-floor'].cpuUs.toFixed(0)} µs CPU (${(m['stateful-floor'].cpuUs / m.floor.cpuUs).toFixed(2)}× the floor; verify is ${(m.verify.cpuUs / m['stateful-floor'].cpuUs).toFixed(2)}× it)`,
  );
  log(
    `figure 1: do-verify ${m['do-verify'].cpuUs.toFixed(0)} µs, verify-cold ${m['verify-cold'].cpuUs.toFixed(0)} µs, baseline ${m.baseline.cpuUs.toFixed(0)} µs CPU`,
  );
  log(
    `figure 1: verify ${m.verify.cpuUs.toFixed(0)} µs CPU (${m.verify.wallUs.toFixed(0)} µs wall, ${m.verify.allThreadsUs.toFixed(0)} µs all threads), floor ${m.floor.cpuUs.toFixed(0)} µs CPU → ${(m.verify.cpuUs / m.floor.cpuUs).toFixed(2)}× the floor`,
  );
  return out;
}
