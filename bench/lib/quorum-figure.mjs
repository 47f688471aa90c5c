/**
 * Quorum (issue 24), against the real bundle in the bench's workerd:
 * - CPU per approver verify against a single approval's verify, in the same
 *   run: each round times `n` single verifies and the `n` approver verifies of
 *   one quorum of `n` users (all required, so the last one mints the quorum
 *   receipt), one at a time, with workerd's CPU time from /proc. Goal ≤ 1.3×.
 * - Time to the receipt: the last approver's verify answers with the quorum
 *   receipt, so the time from that verify to the receipt is its latency;
 *   reported against a non-final approver verify's.
 * - Exactly once: `n` approvers approving one quorum at the same moment, many
 *   rounds: every approval counted once, one receipt, its `apv` the `n` users.
 */
import { median } from './load.mjs';
import { TRANSFER } from './prep.mjs';
import { cpuTimes } from './procs.mjs';

async function approverTickets(client, users, initiator) {
  const q = await client.must(201, '/v1/quorums', {
    method: 'POST',
    server: true,
    body: {
      initiator,
      groups: [{ name: 'All', users: users.map((u) => ({ id: u.id })), required: users.length }],
      action: TRANSFER,
      audience: 'payments-api',
    },
  });
  const prepared = [];
  for (const u of users) {
    const { ticket } = q.approvers.find((a) => a.user === u.id);
    const { options } = await client.must(200, `/v1/actions/${ticket}`);
    prepared.push({
      ticket,
      body: JSON.stringify(
        await u.auth.assert(options, { origin: client.origin, bend: { counter: ++u.next } }),
      ),
    });
  }
  return { q, prepared };
}

async function singleTickets(client, users) {
  const prepared = [];
  for (const u of users) {
    const { ticket } = await client.must(201, '/v1/actions', {
      method: 'POST',
      server: true,
      body: { user: { id: u.id }, action: TRANSFER, audience: 'payments-api' },
    });
    const { options } = await client.must(200, `/v1/actions/${ticket}`);
    prepared.push({
      ticket,
      body: JSON.stringify(
        await u.auth.assert(options, { origin: client.origin, bend: { counter: ++u.next } }),
      ),
    });
  }
  return prepared;
}

const post = (client, t) =>
  fetch(`${client.base}/v1/actions/${t.ticket}/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: client.origin },
    body: t.body,
  });

/** Post one at a time; CPU µs per verify (workerd's main thread) and each verify's wall ms. */
async function timed(client, pid, prepared) {
  const walls = [];
  const c0 = cpuTimes(pid).main;
  for (const t of prepared) {
    const t0 = performance.now();
    const res = await post(client, t);
    await res.text();
    walls.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`verify ${res.status}`);
  }
  return { cpuUs: (cpuTimes(pid).main - c0) / 1e3 / prepared.length, walls };
}

export async function figureQuorum({ psea, SoftAuthenticator, enrollUser, pid, quick, log }) {
  const n = 20;
  const rounds = quick ? 2 : 5;
  const users = [];
  for (let i = 0; i < n; i++)
    users.push(
      await enrollUser(psea, SoftAuthenticator, `bench-quorum-${Date.now().toString(36)}-${i}`),
    );
  const single = [];
  const approver = [];
  const last = [];
  const nonFinal = [];
  for (let r = 0; r < rounds; r++) {
    const s = await timed(psea, pid, await singleTickets(psea, users));
    const { prepared } = await approverTickets(psea, users, `bench-initiator-${r}`);
    const a = await timed(psea, pid, prepared);
    single.push(s.cpuUs);
    approver.push(a.cpuUs);
    last.push(a.walls.at(-1));
    nonFinal.push(median(a.walls.slice(0, -1)));
  }
  const once = [];
  for (let r = 0; r < rounds * 2; r++) {
    const { q, prepared } = await approverTickets(psea, users, `bench-at-once-${r}`);
    const answers = await Promise.all(
      prepared.map(async (t) => ({
        status: (await post(psea, t).then(async (res) => (await res.text(), res))).status,
      })),
    );
    const status = await psea.must(200, `/v1/quorums/${q.quorum}`, { server: true });
    const apv = JSON.parse(Buffer.from(status.receipt.split('.')[1], 'base64url').toString()).apv;
    once.push({
      ok: answers.filter((x) => x.status === 200).length,
      receipts: status.state === 'approved' ? 1 : 0,
      apv: apv.length,
      distinct: new Set(apv.map((x) => x.sub)).size,
    });
  }
  const out = {
    approvers: n,
    rounds,
    cpuUs: { single: median(single), approver: median(approver) },
    ratio: median(approver) / median(single),
    lastVerifyMs: median(last),
    nonFinalVerifyMs: median(nonFinal),
    atOnce: once,
    exactlyOnce: once.every(
      (o) => o.ok === n && o.receipts === 1 && o.apv === n && o.distinct === n,
    ),
  };
  log(
    `quorum: approver verify ${out.cpuUs.approver.toFixed(0)} µs CPU vs single verify ${out.cpuUs.single.toFixed(0)} µs (${out.ratio.toFixed(2)}×, goal ≤ 1.3×); the last approver's verify (which returns the quorum receipt) ${out.lastVerifyMs.toFixed(1)} ms wall vs ${out.nonFinalVerifyMs.toFixed(1)} ms for the others`,
  );
  log(
    `quorum: ${n} approvers at once × ${once.length} rounds: ${out.exactlyOnce ? 'every approval counted once, one receipt, apv of ' + n : 'NOT exactly once: ' + JSON.stringify(once)}`,
  );
  return out;
}
