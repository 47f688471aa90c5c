import { ProblemError } from '../../errors';
import { refuseCommit } from './commit-approval';
import { keyOf, logEnrolled } from './log-writes';
import { advanceCounter, getCredential, getPublicKey } from '../storage/credentials';
import { activateHeld, markEnrolled } from '../storage/held-credentials';
import { consumeGuarded, ticketCreatedAt } from '../storage/tickets';
import type { VaultLog } from '../storage/vault-log';
import { keepCredentialApproval } from '../storage/credential-approvals';

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
  /** What the approver signed, kept for the chain of custody: the statement's JSON, its challenge, the assertion as posted. */
  approval: { statement: string; challenge: string; assertion: string };
}

/**
 * Let a held credential in: consume the enrollment ticket, advance the
 * approver's counter, make the held credential active and log its `enrolled`
 * entry (approvedBy: the approver, with the approval's challenge) and keep the approval's
 * statement and assertion for the chain of custody, in one storage transaction. The first
 * UPDATE carries every guard of an action's approval (commit-approval.ts:
 * ticket pending and unexpired, approver active, counter strictly increasing
 * unless the authenticator keeps none); the activation must find the
 * credential still held by this ticket, or the whole transaction rolls back.
 * Must run with no await between the caller's checks and here.
 */
export function commitEnrollmentApproval(
  storage: DurableObjectStorage,
  log: VaultLog,
  a: EnrollmentApproval,
): void {
  const sql = storage.sql;
  const committed = storage.transactionSync(() => {
    if (
      !consumeGuarded(sql, {
        hash: a.hash,
        now: a.now,
        credentialId: a.approverId,
        counter: a.counter,
        accepted: a.accepted,
        result: a.result,
      })
    )
      return false;
    advanceCounter(sql, a.approverId, a.counter, a.backedUp, a.now);
    // Revoked while held: nothing is left to let in, and the throw undoes the consumption.
    if (!activateHeld(sql, a.heldId, a.approverId, a.hash))
      throw new ProblemError('ticket_used', 'the passkey held on this ticket is no longer waiting');
    markEnrolled(sql);
    const held = getCredential(sql, a.heldId)!;
    const key = keyOf(getPublicKey(sql, a.heldId));
    const approval = { challenge: a.approval.challenge };
    logEnrolled(log, sql, {
      now: a.now,
      credentialId: a.heldId,
      key,
      aaguid: held.aaguid,
      attested: !!held.attested,
      approvedBy: a.approverId,
      approval,
    });
    keepCredentialApproval(sql, {
      cred: a.heldId,
      approver: a.approverId,
      statement: a.approval.statement,
      assertion: a.approval.assertion,
    });
    return true;
  });
  if (committed) return;
  // refuseCommit re-checks the ticket with `accepted`: a byte-identical retry that lost to its
  // own first post still gets the first answer.
  refuseCommit(
    storage,
    log,
    a.hash,
    a.now,
    a.approverId,
    ticketCreatedAt(sql, a.hash) ?? a.now,
    a.accepted,
  );
}
