// @ts-check
/**
 * The object's half of the stateful floor (figures 1e and 2e), for the bench
 * UserVault (cpu-vault.js): the floor itself, and the pending rows the floor
 * route of figure 2 consumes.
 */
import { decodeB64url } from '../../packages/psea/src/internal/base64url';
import { derToRaw, floorOnce } from './floor.js';

/**
 * @typedef {import('./floor.js').FloorKeys} FloorKeys
 * @typedef {import('./cpu-vault-rows.js').Scratch} Scratch
 */

/**
 * The object's half of the stateful floor: decode the assertion's three
 * fields, the crypto floor (floor.js), then consume one pending ticket with a
 * single guarded UPDATE, the least an exactly-once commit writes (the next
 * scratch ticket, so real tickets stay as they are).
 * @param {DurableObjectStorage} storage the object's
 * @param {() => Promise<FloorKeys>} keys the floor's keys, imported on first use
 * @param {Scratch} scratch the object's scratch tickets (next unused, how many made)
 * @param {{ response: { clientDataJSON: string, authenticatorData: string, signature: string } }} assertion
 * @param {string} ticket the raw ticket, hashed by the floor
 * @param {string} [row] the pending row to consume (the route of figure 2's stateful floor names it); else the next scratch ticket
 * @returns {Promise<Uint8Array>} the receipt's signature
 */
export async function statefulFloor(storage, keys, scratch, assertion, ticket, row) {
  if (row === undefined && scratch.next >= scratch.made)
    throw new Error('benchStatefulFloor: out of scratch tickets (raise SCRATCH_TICKETS)');
  const r = assertion.response;
  const signature = await floorOnce(await keys(), {
    clientDataJSON: decodeB64url(r.clientDataJSON),
    authenticatorData: decodeB64url(r.authenticatorData),
    signature: derToRaw(decodeB64url(r.signature)),
    ticket: /** @type {Uint8Array<ArrayBuffer>} */ (new TextEncoder().encode(ticket)),
  });
  const consumed = storage.sql.exec(
    "UPDATE tickets SET state = 'consumed', receipt = 'floor' WHERE hash = ? AND state = 'pending' AND expires_at > ?",
    row ?? `bench-scratch-${scratch.next++}`,
    Date.now(),
  ).rowsWritten;
  if (consumed !== 1) throw new Error('benchStatefulFloor: scratch ticket not consumed');
  return signature;
}

/**
 * Pending rows `bench-floor-0` … `bench-floor-<count − 1>` for the stateful
 * floor route (figure 2), in an object with no real ticket to copy. They
 * are named, not counted in memory: an object idle for 10 s is evicted, and
 * its memory with it. Their data is as long as a real action ticket's.
 * @param {DurableObjectStorage} storage the object's
 * @param {number} count
 * @param {string} data
 */
export function floorTickets(storage, count, data) {
  const sql = storage.sql;
  const now = Date.now();
  storage.transactionSync(() => {
    for (let k = 0; k < count; k++) {
      sql.exec(
        `INSERT OR IGNORE INTO tickets (hash, kind, state, challenge, expires_at, failures, data, receipt, created_at)
           VALUES (?, 'action', 'pending', ?, ?, 0, ?, NULL, ?)`,
        `bench-floor-${k}`,
        'A'.repeat(43),
        now + 3_600_000,
        data,
        now,
      );
    }
  });
  return count;
}
