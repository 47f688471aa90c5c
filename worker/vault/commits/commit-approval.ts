import { ProblemError } from '../../errors';
import type { ApprovedEntry } from '../../../packages/psea/src/log/log-entry';
import { refuseCounterRegression } from './counter-regression';
import { lockLogged } from './log-writes';
import { advanceCounter, credentialState } from '../storage/credentials';
import { insertEvidence, pruneEvidence, type EvidenceRow } from '../storage/evidence';
import { consumeGuarded, recheckTicket } from '../storage/tickets';
import type { VaultLog } from '../storage/vault-log';

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
  /** The `approved` entry that records it. */
  entry: ApprovedEntry;
  /** What its evidence bundle needs, beside the entry's index. */
  evidence: Pick<EvidenceRow, 'assertion'>;
  /** Evidence approved before this (ms) is dropped (EVIDENCE_TTL_DAYS). */
  evidenceKeptSince: number;
}

/**
 * Consume the ticket, advance the counter, log the approval and keep its
 * evidence, in one storage transaction: a throw anywhere (the log's append
 * included) rolls every write back, so an approval that cannot be logged is
 * not granted. The first UPDATE carries every guard (ticket still pending and
 * unexpired, credential still active, counter strictly increasing unless the
 * authenticator keeps none), so it writes either nothing or the ticket; only
 * when a guard fails do we read why. Must run with no await between the
 * caller's checks and here.
 */
export function commitApproval(storage: DurableObjectStorage, log: VaultLog, a: Approval): void {
  const sql = storage.sql;
  const committed = storage.transactionSync(() => {
    if (!consumeGuarded(sql, a)) return false;
    advanceCounter(sql, a.credentialId, a.counter, a.backedUp, a.now);
    const index = log.append(a.entry);
    pruneEvidence(sql, a.evidenceKeptSince);
    insertEvidence(sql, {
      hash: a.hash,
      credential_id: a.credentialId,
      receipt: a.receipt,
      ...a.evidence,
      approved_index: index,
      approved_at: a.now,
    });
    return true;
  });
  if (committed) return;
  refuseCommit(storage, log, a.hash, a.now, a.credentialId, a.ticketCreatedAt, a.accepted);
}

/**
 * Say why a guarded commit wrote nothing, for both ceremonies that advance a
 * counter (an action's approval, a new passkey's approval). Runs in the same
 * synchronous turn as the failed guard; a lock the counter rule decides is
 * written with its `locked` entry.
 */
export function refuseCommit(
  storage: DurableObjectStorage,
  log: VaultLog,
  hash: string,
  now: number,
  credentialId: string,
  ticketCreatedAt: number,
  accepted?: string,
): never {
  const sql = storage.sql;
  // The ticket decides first: a lost race is ticket_used, never a counter problem; a
  // byte-identical twin of the winner is told the winner's answer.
  recheckTicket(sql, hash, now, accepted);
  if (credentialState(sql, credentialId) !== 'active') throw new ProblemError('credential_revoked');
  refuseCounterRegression(sql, credentialId, ticketCreatedAt, (id) =>
    lockLogged(storage, log, id, now),
  );
}
