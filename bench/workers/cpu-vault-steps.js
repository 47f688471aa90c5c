// @ts-check
/**
 * The step table's Durable Object kinds: the RPC round trip, reads, and the
 * commit, each on a real user's object (the one of a consumed verify ticket).
 * Writes go to scratch rows (cpu-vault.js), so the tickets and counters the
 * verify rows use stay as they are.
 */
import { ticketHash } from '../../worker/http/ticket';
import { scratchVault } from './cpu-context.js';
import { benchVaults } from './cpu-vault.js';

/**
 * @typedef {import('./cpu-steps.js').StepFactory} StepFactory
 * @typedef {import('./cpu-context.js').StepContext} StepContext
 */

/**
 * The consumed ticket's object (typed with the bench methods), hash and credential.
 * @param {StepContext} c
 * @param {import('./cpu-context.js').Stashed} done
 */
async function realUser(c, done) {
  return {
    stub: benchVaults(c.env).get(c.env.VAULT.idFromString(done.ticket.slice(0, 64))),
    hash: await ticketHash(done.ticket),
    credentialId: /** @type {{ id: string }} */ (JSON.parse(done.body)).id,
  };
}

/** @type {Record<string, StepFactory>} */
export const vaultSteps = {
  // One JS RPC round trip to a user's Durable Object, doing nothing.
  'do-ping': (c) => async () => {
    await benchVaults(c.env).get(c.env.VAULT.idFromName('cpu-user-0')).benchPing();
  },
  // One RPC doing one SELECT and returning a value (actionStatus of a consumed ticket).
  'do-status': async (c) => {
    if (!c.done) return undefined;
    const { stub, hash } = await realUser(c, c.done);
    return async () => ((await stub.actionStatus(hash, Date.now())).ok ? 200 : 500);
  },
  // verifyAction for a ticket hash the object does not have: RPC + one SELECT + a PseaError → problem.
  'do-unknown': async (c) => {
    if (!c.done) return undefined;
    const { stub } = await realUser(c, c.done);
    return async (i) =>
      (await stub.verifyAction('unknown', c.pick(i), Date.now(), 'bench')).ok ? 500 : 200;
  },
  // One RPC per write transaction of two small unguarded UPDATEs: RPC + transaction + the storage commit after it.
  'do-commit-rpc': async (c) => {
    if (!c.done) return undefined;
    const { stub, hash, credentialId } = await realUser(c, c.done);
    return async () => ((await stub.benchSql('commit', 1, hash, credentialId)) > 0 ? 200 : 500);
  },
  // One RPC per commitApproval, as verifyAction commits (on scratch rows, made once before the first batch).
  'do-commit-real-rpc': async (c) => {
    if (!c.done) return undefined;
    const { stub, receipt } = await scratchVault(c.env, c.done);
    return async () => ((await stub.benchCommit(receipt)) > 0 ? 200 : 500);
  },
  // verifyAction's commit built up one write at a time, one RPC per batch (cpu-vault.js, benchCommitSplit).
  ...Object.fromEntries(
    /** @type {const} */ (['floor', 'guard', 'counter', 'log', 'evidence']).map((part) => [
      `do-commit-${part}`,
      async (/** @type {StepContext} */ c) => {
        if (!c.done) return undefined;
        const { stub, receipt } = await scratchVault(c.env, c.done);
        const body = c.done.body;
        return {
          batch: (/** @type {number} */ n) => stub.benchCommitSplit(part, n, receipt, body),
        };
      },
    ]),
  ),
  // One RPC for the whole batch: the loop runs inside the object.
  'do-sql-reads': async (c) => {
    if (!c.done) return undefined;
    const { stub, hash, credentialId } = await realUser(c, c.done);
    return { batch: (n) => stub.benchSql('reads', n, hash, credentialId) };
  },
  // One RPC for the whole batch: N log appends (JCS, leaf hash, tree nodes, entry row), each its own transaction.
  'do-log-append': (c) => {
    const stub = benchVaults(c.env).get(c.env.VAULT.idFromName('cpu-log-append'));
    return { batch: (n) => stub.benchLogAppend(n) };
  },
  'do-sql-commit': async (c) => {
    if (!c.done) return undefined;
    const { stub, hash, credentialId } = await realUser(c, c.done);
    return { batch: (n) => stub.benchSql('commit', n, hash, credentialId) };
  },
};
