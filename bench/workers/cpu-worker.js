// @ts-check
/**
 * Bench-only Worker for figure 1 (CPU per verify, inside workerd) and
 * figure 2's stateful floor. It is the real Worker (the same Hono app and
 * UserVault, from worker/index.ts; the vault subclassed in cpu-vault.js
 * with bench methods only) plus /__bench/* routes:
 *
 *   POST /__bench/stash?kind=verify|verify-cold|do-verify   body: [{ ticket, body }] prepared through the real routes
 *   POST /__bench/run?kind=K&n=N                runs N iterations of K (cpu-steps.js), answers { n, ok, statuses }
 *   POST /__bench/floor-prep                    body: { names, count, data }: pending rows for the floor route, answers { ids }
 *   POST /__bench/floor-route/<id>/<k>          the stateful floor per HTTP request, consuming row k of object id
 *   GET  /__bench/waiters?id=<hex>              how many long-poll waits object id holds (issue 17)
 *
 * workerd's clocks only advance on I/O, so nothing is timed in here: the
 * driver times each /__bench/run request from outside (wall clock, and the
 * workerd process's CPU time from /proc) and subtracts a `noop` run.
 * Every other request goes to the real app unchanged.
 */
import app from '../../worker/index';
import { ticketHash } from '../../worker/http/ticket';
import { heads, queues, statefulFloor } from './cpu-context.js';
import { stepOf } from './cpu-steps.js';
import { benchVaults } from './cpu-vault.js';
export { CredentialOwner } from '../../worker/vault/credential-owners';
export { IdempotencyRecord } from '../../worker/idempotency/idempotency-record';
export { Quorum } from '../../worker/quorum/quorum-object';
export { UserVault } from './cpu-vault.js';

/** @typedef {import('./cpu-vault.js').BenchEnv} BenchEnv */

/**
 * Queue the driver's tickets for one kind. verify-cold's are tickets issued
 * long before their approval: their vaults forget what they hold in memory.
 * @param {string} kind
 * @param {import('./cpu-context.js').Stashed[]} items
 * @param {BenchEnv} env
 */
async function stash(kind, items, env) {
  if (kind === 'verify') queues.verify.push(...items);
  else if (kind === 'verify-cold') {
    queues.verifyCold.push(...items);
    for (const id of new Set(items.map((it) => it.ticket.slice(0, 64))))
      await benchVaults(env).get(env.VAULT.idFromString(id)).benchForget();
  } else if (kind === 'do-verify') {
    for (const it of items)
      queues.doVerify.push({
        id: it.ticket.slice(0, 64),
        hash: await ticketHash(it.ticket),
        response: JSON.parse(it.body),
      });
  } else return new Response('unknown kind', { status: 400 });
  return Response.json({
    queued: {
      verify: queues.verify.length - heads.verify,
      doVerify: queues.doVerify.length - heads.doVerify,
    },
  });
}

/**
 * N iterations of one kind in this one request; answers how many succeeded.
 * @param {string} kind
 * @param {number} n
 * @param {BenchEnv} env
 * @param {ExecutionContext} ctx
 */
async function run(kind, n, env, ctx) {
  const step = await stepOf(kind, env, ctx);
  if (!step) return new Response(`unknown kind, or not ready: ${kind}`, { status: 400 });
  /** @type {Record<string, number>} */
  const statuses = {};
  if (typeof step === 'object') {
    const rows = await step.batch(n);
    return Response.json({ kind, n, ok: rows > 0 ? n : 0, statuses });
  }
  let ok = 0;
  for (let i = 0; i < n; i++) {
    let status;
    try {
      status = (await step(i)) ?? 200;
    } catch {
      status = 500;
    }
    if (status >= 200 && status < 300) ok++;
    else statuses[status] = (statuses[status] ?? 0) + 1;
  }
  return Response.json({ kind, n, ok, statuses });
}

export default {
  /**
   * @param {Request} request
   * @param {BenchEnv} env
   * @param {ExecutionContext} ctx
   * @returns {Promise<Response>}
   */
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (!url.pathname.startsWith('/__bench/')) return app.fetch(request, env, ctx);
    const kind = url.searchParams.get('kind') ?? '';

    // Figure 2's stateful floor, one approval per HTTP request: the pending row named in the path.
    const floorRoute = /^\/__bench\/floor-route\/([0-9a-f]{64})\/(\d+)$/.exec(url.pathname);
    if (floorRoute && request.method === 'POST')
      return statefulFloor(
        env,
        request,
        /** @type {string} */ (floorRoute[1]),
        `bench-floor-${floorRoute[2]}`,
      );

    if (url.pathname === '/__bench/stash') return stash(kind, await request.json(), env);
    if (url.pathname === '/__bench/run')
      return run(kind, Number(url.searchParams.get('n') ?? '1'), env, ctx);
    if (url.pathname === '/__bench/open') {
      // Figure 10b's objects at SQLite's cap: start one object of the kind (its constructor migrates).
      const name = url.searchParams.get('name') ?? '';
      if (kind === 'owner')
        return Response.json({
          ok: await env.CREDENTIAL_OWNERS.get(env.CREDENTIAL_OWNERS.idFromName(name)).claim(
            'bench',
          ),
        });
      const vault = benchVaults(env).get(env.VAULT.idFromName(name));
      return Response.json({
        ok: kind === 'vault-100' ? await vault.benchApprovalRows(100) : await vault.benchPing(),
      });
    }
    if (url.pathname === '/__bench/waiters') {
      const id = env.VAULT.idFromString(url.searchParams.get('id') ?? '');
      return Response.json({ held: await benchVaults(env).get(id).benchWaiters() });
    }
    if (url.pathname === '/__bench/floor-prep') {
      // Objects for the stateful floor route: for each name, `count` pending rows; answers their ids.
      const { names, count, data } =
        /** @type {{ names: string[], count: number, data: string }} */ (await request.json());
      const ids = [];
      for (const name of names) {
        const id = env.VAULT.idFromName(name);
        await benchVaults(env).get(id).benchFloorTickets(count, data);
        ids.push(id.toString());
      }
      return Response.json({ ids });
    }
    return new Response('not found', { status: 404 });
  },
};
