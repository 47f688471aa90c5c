/**
 * An enrollment ticket's two steps (docs/api.md "Adding a passkey needs an existing
 * passkey"): it takes one registration; if that registration is held, the
 * ticket then takes only the approval of that credential.
 */
import { ProblemError } from '../../errors';
import type { Hold } from './credential-add-approval';
import { getCredential } from '../storage/credentials';
import { hasEnrolledBefore } from '../storage/held-credentials';
import { assertUsable, loadTicket } from '../storage/tickets';
import type { EnrollTicketData, TicketRow } from '../types';

/** Who lets a credential in without an approval: the RP's recovery, a first enrollment, or an open policy. */
export type Admission = 'recovery' | 'first' | 'open';

/**
 * Who lets this registration in without an approval, if anyone. A recovery
 * ticket says so for itself; otherwise a user who has ever enrolled needs an
 * approval unless the policy is open. Judged at the commit, not at issue.
 */
export function admissionOf(
  sql: SqlStorage,
  data: EnrollTicketData,
  addCredential: 'approved' | 'open',
): Admission | undefined {
  if (data.recovery) return 'recovery';
  if (!hasEnrolledBefore(sql)) return 'first';
  return addCredential === 'open' ? 'open' : undefined;
}

/** A registration on a ticket that already holds a credential: 409, the ticket is spoken for. */
export function refuseHolding(row: TicketRow): TicketRow {
  if ((JSON.parse(row.data) as EnrollTicketData).held)
    throw new ProblemError('ticket_used', 'this ticket already holds a passkey awaiting approval');
  return row;
}

/** The hold of a usable enrollment ticket; refused when it holds nothing, or its credential was revoked meanwhile. */
export function holdOf(sql: SqlStorage, row: TicketRow): Hold {
  const { held } = JSON.parse(row.data) as EnrollTicketData;
  if (!held)
    throw new ProblemError('ticket_not_found', 'no passkey on this ticket awaits approval');
  if (getCredential(sql, held.credentialId)?.state !== 'pending') {
    throw new ProblemError('ticket_used', 'the passkey held on this ticket is no longer waiting');
  }
  return held;
}

/** Refuse a usable ticket for `step`: one that holds a credential takes no registration, one that holds none has nothing to approve. */
export function refuseStep(sql: SqlStorage, row: TicketRow, step?: 'register' | 'approve'): void {
  if (step === 'register') refuseHolding(row);
  if (step === 'approve') holdOf(sql, row);
}

/** The ticket an approval is posted to, and its hold; the byte-identical retry of the accepted post gets that post's answer. */
export function holdingTicket(sql: SqlStorage, hash: string, now: number, accepted: string): Hold {
  const row = loadTicket(sql, hash, 'enroll');
  assertUsable(row, now, accepted);
  return holdOf(sql, row);
}
