/**
 * An approval's evidence bundle (docs/evidence.md ("GET /v1/actions/:ticket/evidence")),
 * built from what was stored at the moment of each change: the approval's
 * evidence row, the credential's registration as received, both log
 * entries with their inclusion proofs against one tree size, and the chain of
 * custody back to the credential's root (custody-chain.ts). Synchronous: the
 * caller reads the size, builds this, then signs that size's checkpoint.
 */
import { encodeB64url } from '../../../packages/psea/src/internal/base64url';
import { ProblemError } from '../../errors';
import type { EnrollmentRecord } from '../commits/enrollment-record';
import { enrollmentOf } from '../storage/credentials';
import type { EvidenceRow } from '../storage/evidence';
import { actionState, loadTicket } from '../storage/tickets';
import type { ActionTicketData } from '../types';
import type { VaultLog } from '../storage/vault-log';
import { custodyOf, enrolledEntryOf, loggedEntry } from './custody-chain';

export interface BundleRequest {
  /** The caller's earlier checkpoint size: a consistency proof from it. */
  since?: number;
  /** Include the attestation object (it may carry device certificates). */
  attestation: boolean;
}

/** Everything but the checkpoint, for the tree of `size` entries (the caller signs that size). */
export function evidenceBundle(
  sql: SqlStorage,
  log: VaultLog,
  row: EvidenceRow,
  size: number,
  req: BundleRequest,
) {
  if (req.since !== undefined && req.since > size)
    throw new ProblemError('invalid_request', `since: the log has ${size} entries`);
  const cred = enrollmentOf(sql, row.credential_id);
  if (!cred) throw new Error('the approving credential is missing');
  const data = JSON.parse(row.ticket_data) as ActionTicketData;
  // Custody starts at the credential's latest enrolled entry (a migrated one after migration 6).
  const enrolled = enrolledEntryOf(sql, log, row.credential_id, size);
  const record =
    cred.enrollment === null ? null : (JSON.parse(cred.enrollment) as EnrollmentRecord);
  const enrollment = record && {
    clientDataJSON: record.clientDataJSON,
    authenticatorData: record.authenticatorData,
    ...(req.attestation ? { attestationObject: record.attestationObject } : {}),
  };
  return {
    v: 1,
    receipt: row.receipt,
    action: data.action,
    display: data.display,
    statement: data.statement,
    assertion: JSON.parse(row.assertion) as unknown,
    credential: {
      id: row.credential_id,
      publicKey: encodeB64url(new Uint8Array(cred.public_key)),
      aaguid: cred.aaguid,
      deviceBound: !cred.backup_eligible,
      enrollment,
    },
    log: {
      enrolled,
      approved: loggedEntry(log, row.approved_index, size),
      ...(req.since === undefined
        ? {}
        : { consistency: { from: req.since, proof: log.consistencyProof(req.since, size) } }),
    },
    custody: custodyOf(sql, log, enrolled, size),
  };
}

/**
 * Why a ticket has no evidence: unknown (404 as for status), not approved
 * (409 `not_approved`: pending, expired or burned), or approved with none
 * kept (before evidence was kept, or past EVIDENCE_TTL_DAYS: 404 `not_found`).
 */
export function refuseNoEvidence(sql: SqlStorage, hash: string, now: number): never {
  const state = actionState(loadTicket(sql, hash, 'action'), now);
  if (state !== 'approved') throw new ProblemError('not_approved', `the ticket is ${state}`);
  throw new ProblemError(
    'not_found',
    'no evidence is kept for this approval (made before evidence was kept, or past EVIDENCE_TTL_DAYS)',
  );
}
