import { PseaError } from '../errors';
import { refuseCounterRegression } from './counter-regression';
import { advanceCounter, credentialState } from './storage/credentials';
import { consumeGuarded, recheckTicket } from './storage/tickets';

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
  if (consumeGuarded(sql, a)) {
    advanceCounter(sql, a.credentialId, a.counter, a.backedUp, a.now);
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
  if (credentialState(sql, credentialId) !== 'active') throw new PseaError('credential_revoked');
  refuseCounterRegression(sql, credentialId, ticketCreatedAt);
}
