import { PseaError } from '../errors';
import { refuseCommit } from './commit-approval';
import { markEnrolled } from './storage/held-credentials';
import { refuseRetry } from './storage/tickets';
import type { TicketRow } from './types';

export interface EnrollmentApproval {
  hash: string;
  now: number;
  /** The held credential that becomes active. */
  heldId: string;
  /** The active credential that approved it, and what its assertion said. */
  approverId: string;
  counter: number;
  backedUp: boolean;
  /** base64url SHA-256 of the accepted request body, and the 201 body: a byte-identical retry gets it back. */
  accepted: string;
  result: string;
}

/**
 * Let a held credential in: consume the enrollment ticket, advance the
 * approver's counter and make the held credential active, in one storage
 * transaction. The first UPDATE carries every guard of an action's approval
 * (commit-approval.ts: ticket pending and unexpired, approver active, counter
 * strictly increasing unless the authenticator keeps none); the activation
 * must find the credential still held by this ticket, or the whole
 * transaction rolls back. Must run with no await between the caller's checks and here.
 */
export function commitEnrollmentApproval(storage: DurableObjectStorage, a: EnrollmentApproval): void {
  const sql = storage.sql;
  const committed = storage.transactionSync(() => {
    const consumed = sql.exec(
      `UPDATE tickets SET state = 'consumed', accepted = ?, result = ?
       WHERE hash = ? AND state = 'pending' AND expires_at > ?
         AND EXISTS (SELECT 1 FROM credentials
                     WHERE id = ? AND state = 'active' AND (? > counter OR (? = 0 AND counter = 0)))`,
      a.accepted, a.result, a.hash, a.now, a.approverId, a.counter, a.counter,
    ).rowsWritten;
    if (consumed !== 1) return false;
    sql.exec('UPDATE credentials SET counter = ?, backed_up = ?, last_used_at = ? WHERE id = ?', a.counter, a.backedUp ? 1 : 0, a.now, a.approverId);
    const activated = sql.exec(
      "UPDATE credentials SET state = 'active', approved_by = ?, pending_ticket = NULL WHERE id = ? AND state = 'pending' AND pending_ticket = ?",
      a.approverId, a.heldId, a.hash,
    ).rowsWritten;
    // Revoked while held: nothing is left to let in, and the throw undoes the consumption.
    if (activated !== 1) throw new PseaError('ticket_used', 'the passkey held on this ticket is no longer waiting');
    markEnrolled(sql);
    return true;
  });
  if (committed) return;
  // A byte-identical retry that lost to its own first post still gets the first answer.
  const row = sql
    .exec<Pick<TicketRow, 'state' | 'accepted' | 'result' | 'created_at'>>('SELECT state, accepted, result, created_at FROM tickets WHERE hash = ?', a.hash)
    .toArray()[0];
  if (row) refuseRetry(row, a.accepted);
  refuseCommit(sql, a.hash, a.now, a.approverId, row?.created_at ?? a.now);
}
