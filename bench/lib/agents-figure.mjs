/**
 * Figure 8 (issue 17), inside the bench's workerd:
 * - 8a: long-poll waiters. `held` waits (`GET /v1/actions/:ticket/status?wait=60`
 *   with the ticket's statusToken) on `tickets` tickets of one user, in the cpu
 *   worker (the real Worker, whose vault can tell how many waits it holds);
 *   the workerd process's RSS from /proc before and after, divided by the
 *   waits held (workerd has no process.memoryUsage; RSS also counts each held
 *   connection's buffers in the runtime, which a real wait costs too); one wait
 *   past the vault's bound answers at once; then every ticket approved at once
 *   and timed until the last waiter has its answer, against a plain status GET
 *   and a verify alone in the same run.
 * - 8b: webhook delivery after commit: a loopback receiver, actions with a
 *   callbackUrl on the real bundle, from each verify's 200 to the receiver's
 *   request (signature checked with standardwebhooks), against the baseline
 *   worker's empty round trip.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { median } from './load.mjs';
import { TRANSFER } from './prep.mjs';

/** Resident set of `pid` in bytes (VmRSS of /proc/<pid>/status). */
export function rssBytes(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A fresh action (with its statusToken) and its signed assertion, through the real routes. */
async function prepared(client, user, extra = {}) {
  const created = await client.must(201, '/v1/actions', {
    method: 'POST',
    server: true,
    body: { user: { id: user.id }, action: TRANSFER, audience: 'payments-api', ...extra },
  });
  const { options } = await client.must(200, `/v1/actions/${created.ticket}`);
  const assertion = await user.auth.assert(options, {
    origin: client.origin,
    bend: { counter: user.auth.counterStep === 0 ? 0 : ++user.next },
  });
  return { ...created, body: JSON.stringify(assertion) };
}

const statusGet = (client, t, wait) =>
  fetch(
    `${client.base}/v1/actions/${t.ticket}/status${wait === undefined ? '' : `?wait=${wait}`}`,
    { headers: { authorization: `Bearer ${t.statusToken}` } },
  );

const verify = (client, t) =>
  fetch(`${client.base}/v1/actions/${t.ticket}/verify`, {
    method: 'POST',
    headers: { origin: client.origin, 'content-type': 'application/json' },
    body: t.body,
  });

/** 8a. */
async function waiters({ cpuApi, user, pid, tickets, perTicket, gets }) {
  // Baselines: a plain status GET and a verify with nobody waiting, same object, same run.
  const plain = await prepared(cpuApi, user);
  for (let i = 0; i < 20; i++) await (await statusGet(cpuApi, plain)).arrayBuffer();
  const getMs = [];
  for (let i = 0; i < gets; i++) {
    const t0 = performance.now();
    await (await statusGet(cpuApi, plain)).arrayBuffer();
    getMs.push(performance.now() - t0);
  }
  const verifyMs = [];
  for (let i = 0; i < 5; i++) {
    const t = await prepared(cpuApi, user);
    const t0 = performance.now();
    const res = await verify(cpuApi, t);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`figure 8a: verify ${res.status}`);
    verifyMs.push(performance.now() - t0);
  }

  const ts = [];
  for (let k = 0; k < tickets; k++) ts.push(await prepared(cpuApi, user));
  const id = ts[0].ticket.slice(0, 64);
  const held = async () => (await cpuApi.must(200, `/__bench/waiters?id=${id}`)).held;
  await sleep(500);
  const rssBefore = rssBytes(pid);
  const answers = [];
  let lastAnswer = 0;
  let firstAnswer = Infinity;
  for (const t of ts) {
    for (let i = 0; i < perTicket; i++) {
      answers.push(
        statusGet(cpuApi, t, 60).then(async (res) => {
          const body = await res.json();
          lastAnswer = performance.now();
          firstAnswer = Math.min(firstAnswer, lastAnswer);
          return {
            status: res.status,
            state: body.state,
            receipt: typeof body.receipt === 'string',
          };
        }),
      );
    }
  }
  const want = tickets * perTicket;
  let count = 0;
  for (let i = 0; i < 200 && count < want; i++) {
    await sleep(100);
    count = await held();
  }
  await sleep(300);
  const rssAfter = rssBytes(pid);
  // One wait past the bounds is not held: it answers `pending` at once.
  const over = performance.now();
  const overRes = await statusGet(cpuApi, ts[0], 60);
  const overBody = await overRes.json();
  const overMs = performance.now() - over;

  const t0 = performance.now();
  const verified = await Promise.all(ts.map(async (t) => (await verify(cpuApi, t)).status));
  const verifiedAt = performance.now();
  const results = await Promise.all(answers);
  return {
    tickets,
    perTicket,
    want,
    held: count,
    rssBeforeMiB: rssBefore / 2 ** 20,
    rssAfterMiB: rssAfter / 2 ** 20,
    bytesPerWaiter: (rssAfter - rssBefore) / Math.max(1, count),
    over: { status: overRes.status, state: overBody.state, ms: overMs },
    verifyStatuses: verified,
    approvedAnswers: results.filter((r) => r.status === 200 && r.state === 'approved' && r.receipt)
      .length,
    verifyAllMs: verifiedAt - t0,
    allAnsweredMs: lastAnswer - t0,
    firstAnsweredMs: firstAnswer - t0,
    plainGetMs: median(getMs),
    verifyMs: median(verifyMs),
  };
}

/** 8b. */
async function webhooks({ psea, user, webhookSecret, baselinePort, rounds }) {
  const wh = new Webhook(webhookSecret);
  /** @type {Map<string, (at: number) => void>} */
  const expect = new Map();
  let badSignatures = 0;
  const server = createServer((req, res) => {
    const at = performance.now();
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      res.writeHead(204).end();
      try {
        const event = /** @type {{ type: string, reference?: string }} */ (
          wh.verify(body, /** @type {Record<string, string>} */ (req.headers))
        );
        if (event.type === 'action.approved' && event.reference) expect.get(event.reference)?.(at);
      } catch {
        badSignatures++;
      }
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  try {
    const emptyMs = [];
    for (let i = 0; i < 20; i++)
      await (await fetch(`http://127.0.0.1:${baselinePort}/empty`)).arrayBuffer();
    for (let i = 0; i < 50; i++) {
      const t0 = performance.now();
      await (await fetch(`http://127.0.0.1:${baselinePort}/empty`)).arrayBuffer();
      emptyMs.push(performance.now() - t0);
    }
    const latency = [];
    let missed = 0;
    for (let i = 0; i < rounds; i++) {
      const reference = `bench-hook-${i}-${Date.now()}`;
      const t = await prepared(psea, user, {
        reference,
        callbackUrl: `http://127.0.0.1:${port}/hook`,
      });
      const arrived = new Promise((resolve) => {
        expect.set(reference, resolve);
        setTimeout(() => resolve(NaN), 10_000);
      });
      const res = await verify(psea, t);
      const ok = performance.now();
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`figure 8b: verify ${res.status}`);
      const at = /** @type {number} */ (await arrived);
      if (Number.isNaN(at)) missed++;
      else latency.push(at - ok);
    }
    return {
      rounds,
      delivered: latency.length,
      missed,
      badSignatures,
      deliveryMs: median(latency),
      maxMs: Math.max(...latency),
      emptyMs: median(emptyMs),
    };
  } finally {
    server.close();
  }
}

export async function figureAgents({
  psea,
  cpuApi,
  SoftAuthenticator,
  enrollUser,
  pid,
  webhookSecret,
  baselinePort,
  quick,
  log,
}) {
  // A synced passkey (counter 0), as figure 3's hot user: the 4 verifies of one user go at once.
  const waitUser = await enrollUser(cpuApi, SoftAuthenticator, 'agents-wait-user', {
    counterStep: 0,
    backupEligible: true,
    backedUp: true,
  });
  // The bounds of status-waiters.ts: 256 per ticket, 1024 per vault.
  const one = await waiters({
    cpuApi,
    user: waitUser,
    pid,
    tickets: 1,
    perTicket: 256,
    gets: quick ? 30 : 100,
  });
  log(
    `figure 8a: ${one.held}/${one.want} waits held on one ticket, ${(one.bytesPerWaiter / 1024).toFixed(1)} KiB RSS each; ${one.approvedAnswers} approved, the first ${one.firstAnsweredMs.toFixed(1)} ms and the last ${one.allAnsweredMs.toFixed(1)} ms after the verify was sent (verify alone ${one.verifyMs.toFixed(1)} ms, plain status GET ${one.plainGetMs.toFixed(2)} ms)`,
  );
  const full = await waiters({
    cpuApi,
    user: waitUser,
    pid,
    tickets: 4,
    perTicket: 256,
    gets: quick ? 30 : 100,
  });
  log(
    `figure 8a: ${full.held}/${full.want} waits held on 4 tickets of one vault, ${(full.bytesPerWaiter / 1024).toFixed(1)} KiB RSS each; one more answers ${full.over.state} in ${full.over.ms.toFixed(1)} ms; ${full.approvedAnswers} approved, the first ${full.firstAnsweredMs.toFixed(1)} ms and the last ${full.allAnsweredMs.toFixed(1)} ms after the 4 verifies were sent`,
  );
  const hookUser = await enrollUser(psea, SoftAuthenticator, 'agents-hook-user');
  const hooks = await webhooks({
    psea,
    user: hookUser,
    webhookSecret,
    baselinePort,
    rounds: quick ? 5 : 15,
  });
  log(
    `figure 8b: webhook at the receiver ${hooks.deliveryMs.toFixed(1)} ms after the verify's 200 (median of ${hooks.delivered}, max ${hooks.maxMs.toFixed(1)}, ${hooks.missed} missed, ${hooks.badSignatures} bad signatures); baseline empty round trip ${hooks.emptyMs.toFixed(2)} ms`,
  );
  return { waiters: { one, full }, webhooks: hooks };
}
