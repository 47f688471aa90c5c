// @ts-check
/**
 * Rows the bench UserVault (cpu-vault.js) writes before any timed batch:
 * approvals' rows for figure 10's objects at SQLite's cap, and the scratch
 * tickets and credential that the commit steps (cpu-vault-commits.js) and
 * the stateful floor (cpu-vault-floor.js) consume, so real tickets and
 * counters stay as they are.
 */
import { insertEvidence } from '../../worker/vault/storage/evidence';

/**
 * @typedef {import('../../worker/vault/storage/vault-log').VaultLog} VaultLog
 * @typedef {{ next: number, made: number }} Scratch
 *   the object's scratch tickets: the next unused one, and how many there are
 */

export const SCRATCH_CREDENTIAL = 'bench-scratch';

/**
 * Rows as `n` approvals leave them, for figure 10's objects at SQLite's cap:
 * each an approved ticket row (its data and receipt as long as a real
 * one's), its `approved` log entry and its evidence row, in one transaction.
 * @param {DurableObjectStorage} storage the object's
 * @param {VaultLog} log the object's log
 * @param {number} n
 */
export function approvalRows(storage, log, n) {
  const sql = storage.sql;
  const now = Date.now();
  storage.transactionSync(() => {
    for (let k = 0; k < n; k++) {
      const hash = `bench-approved-${k}`;
      sql.exec(
        `INSERT INTO tickets (hash, kind, state, challenge, expires_at, failures, data, receipt, created_at)
           VALUES (?, 'action', 'consumed', ?, ?, 0, ?, ?, ?)`,
        hash,
        'A'.repeat(43),
        now + 3_600_000,
        'D'.repeat(592),
        'R'.repeat(847),
        now,
      );
      const index = log.append({
        v: 1,
        kind: 'approved',
        at: Math.floor(now / 1000),
        sub: 'bench',
        cred: 'C'.repeat(43),
        challenge: 'A'.repeat(43),
        act: 'H'.repeat(43),
        aud: 'bench',
        jti: `bench-${k}`,
      });
      insertEvidence(sql, {
        hash,
        credential_id: 'C'.repeat(43),
        receipt: 'R'.repeat(847),
        assertion: 'S'.repeat(646),
        approved_index: index,
        approved_at: now,
      });
    }
  });
  return n;
}

/**
 * Scratch rows for benchCommit, so real tickets and counters stay as they
 * are: `count` pending copies of a real ticket (same data, same size) and a
 * copy of a real credential at counter 0. Made once, before any timed batch.
 * @param {DurableObjectStorage} storage the object's
 * @param {Scratch} scratch the object's scratch tickets (next unused, how many made)
 * @param {number} count
 * @param {string} hash a ticket of this user
 * @param {string} credentialId this user's credential
 */
export function scratchRows(storage, scratch, count, hash, credentialId) {
  const sql = storage.sql;
  storage.transactionSync(() => {
    sql.exec(
      `INSERT OR IGNORE INTO credentials (id, public_key, alg, counter, aaguid, backup_eligible, backed_up, transports, fmt,
           attested, authenticator_name, state, created_at, last_used_at)
         SELECT ?, public_key, alg, 0, aaguid, backup_eligible, backed_up, transports, fmt,
           attested, authenticator_name, 'active', created_at, last_used_at FROM credentials WHERE id = ?`,
      SCRATCH_CREDENTIAL,
      credentialId,
    );
    for (let k = scratch.made; k < count; k++) {
      sql.exec(
        `INSERT INTO tickets (hash, kind, state, challenge, expires_at, failures, data, receipt, created_at)
           SELECT ?, kind, 'pending', challenge, expires_at, 0, data, NULL, created_at FROM tickets WHERE hash = ?`,
        `bench-scratch-${k}`,
        hash,
      );
    }
  });
  scratch.made = Math.max(scratch.made, count);
  return scratch.made;
}
