import { PseaError } from '../errors';
import { refuseCounterRegression } from './counter-regression';
import { recheckTicket } from './storage/tickets';

export interface Approval {
  hash: string;
  now: number;
  receipt: string;
  credentialId: string;
  counter: number;
  backedUp: boolean;
  /** The ticket's `created_at`, for the counter rule. */
  ticketCreatedAt: number;
  /** base64url SHA-256 of the request body, kept so a byte-identical retry gets this receipt. */
  accepted: string;
}

/**
 * Consume the ticket and advance the counter. The first UPDATE carries every
 * guard (ticket still pending and unexpired, credential still active, counter
 * strictly increasing unless the authenticator keeps none), so it writes
 * either nothing or the ticket; the second then cannot fail its condition.
 * Both run in one synchronous turn, which the Durable Object commits as one
 * implicit transaction; no savepoint is needed, because nothing is written
 * before every guard has passed. Only when a guard fails do we read why.
 * Must run with no await between the caller's checks and here.
 */
export function commitApproval(sql: SqlStorage, a: Approval): void {
  const consumed = sql.exec(
    `UPDATE tickets SET state = 'consumed', receipt = ?, accepted = ?
     WHERE hash = ? AND state = 'pending' AND expires_at > ?
       AND EXISTS (SELECT 1 FROM credentials
                   WHERE id = ? AND state = 'active' AND (? > counter OR (? = 0 AND counter = 0)))`,
    a.receipt, a.accepted, a.hash, a.now, a.credentialId, a.counter, a.counter,
  ).rowsWritten;
  if (consumed === 1) {
    sql.exec('UPDATE credentials SET counter = ?, backed_up = ?, last_used_at = ? WHERE id = ?', a.counter, a.backedUp ? 1 : 0, a.now, a.credentialId);
    return;
  }
  refuseCommit(sql, a.hash, a.now, a.credentialId, a.ticketCreatedAt, a.accepted);
}

/**
 * Say why a guarded commit wrote nothing, for both ceremonies that advance a
 * counter (an action's approval, a new passkey's approval). Runs in the same
 * synchronous turn as the failed guard.
 */
export function refuseCommit(sql: SqlStorage, hash: string, now: number, credentialId: string, ticketCreatedAt: number, accepted?: string): never {
  // The ticket decides first: a lost race is ticket_used, never a counter problem; a
  // byte-identical twin of the winner is told the winner's answer.
  recheckTicket(sql, hash, now, accepted);
  const current = sql.exec<{ state: string }>('SELECT state FROM credentials WHERE id = ?', credentialId).toArray()[0];
  if (!current || current.state !== 'active') throw new PseaError('credential_revoked');
  refuseCounterRegression(sql, credentialId, ticketCreatedAt);
}
