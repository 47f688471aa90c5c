/**
 * Held credentials (docs/adding-a-passkey.md ("Adding a passkey needs an existing passkey")): a
 * passkey registered for a user who has enrolled before waits as `pending`,
 * tied to its enrollment ticket, until an active passkey approves it.
 *
 * A hold lives exactly as long as its ticket can still be used. Once the
 * ticket expires, burns or is pruned, the row is dropped on the next write,
 * and until then every read treats it as if it did not exist ({@link LIVE}):
 * it is not listed, not excluded at enrollment, and can approve nothing.
 */

/**
 * SQL condition on `credentials` (one `?`: now, in ms): the row exists. A
 * pending row exists only while its ticket is pending and unexpired.
 */
export const LIVE = `(state != 'pending' OR EXISTS (SELECT 1 FROM tickets t
  WHERE t.hash = credentials.pending_ticket AND t.state = 'pending' AND t.expires_at > ?))`;

/** Drop every hold whose ticket can no longer be used (expired, burned, consumed or gone). */
export function dropLapsedHolds(sql: SqlStorage, now: number): void {
  sql.exec(`DELETE FROM credentials WHERE state = 'pending' AND NOT ${LIVE}`, now);
}

/** Drop the hold of a ticket that has just burned: five failed approvals end it. */
export function dropBurnedHold(sql: SqlStorage, hash: string): void {
  sql.exec(
    `DELETE FROM credentials WHERE state = 'pending' AND pending_ticket = ?
       AND EXISTS (SELECT 1 FROM tickets WHERE hash = ? AND state = 'burned')`,
    hash,
    hash,
  );
}

const MARKER = 'has_enrolled';

/**
 * Whether the user has ever had a credential, in any state. Judged from the
 * rows and from a marker set whenever a credential becomes active (and by
 * migration 2 for older vaults), so that only data loss could make the next
 * enrollment a first one again. Revoking every credential does not.
 */
export function hasEnrolledBefore(sql: SqlStorage): boolean {
  return (
    sql.exec('SELECT 1 FROM meta WHERE k = ?', MARKER).toArray().length > 0 ||
    sql.exec('SELECT 1 FROM credentials LIMIT 1').toArray().length > 0
  );
}

export function markEnrolled(sql: SqlStorage): void {
  sql.exec("INSERT INTO meta (k, v) VALUES (?, '1') ON CONFLICT (k) DO NOTHING", MARKER);
}

/** Make the credential this ticket holds active, approved by `approverId`; false when it is no longer held. */
export function activateHeld(
  sql: SqlStorage,
  heldId: string,
  approverId: string,
  hash: string,
): boolean {
  return (
    sql.exec(
      "UPDATE credentials SET state = 'active', approved_by = ?, pending_ticket = NULL WHERE id = ? AND state = 'pending' AND pending_ticket = ?",
      approverId,
      heldId,
      hash,
    ).rowsWritten === 1
  );
}
