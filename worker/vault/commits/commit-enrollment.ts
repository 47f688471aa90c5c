import { ProblemError } from '../../errors';
import type { AttestationFacts } from '../../attestation/types';
import type { VerifiedRegistration } from '../../webauthn/verify-registration';
import type { Hold } from '../ceremonies/credential-add-approval';
import { admissionOf, refuseHolding, type Admission } from '../ceremonies/enrollment-tickets';
import { dropLapsedHolds, markEnrolled } from '../storage/held-credentials';
import { getCredential, insertCredential, setEnrollment } from '../storage/credentials';
import type { EnrollmentRecord } from './enrollment-record';
import { keyOf, logEnrolled } from './log-writes';
import type { VaultLog } from '../storage/vault-log';
import { assertUsable, consumeTicket, holdOnTicket, loadTicket } from '../storage/tickets';
import type { EnrollTicketData } from '../types';
import { keepRegistration, type FirstRegistration } from '../ceremonies/registration-retry';

export interface Registration {
  hash: string;
  now: number;
  data: EnrollTicketData;
  reg: VerifiedRegistration;
  attestation: Pick<AttestationFacts, 'attested' | 'name'>;
  /** The approval it waits for, should it be held. */
  hold: Hold;
  addCredential: 'approved' | 'open';
  /** The registration's signed parts as received, kept for its evidence. */
  enrollment: EnrollmentRecord;
  /** The body's hash and the 201 body, for its byte-identical retry (registration-retry.ts). */
  first?: FirstRegistration;
}

/**
 * Re-check after the awaits, then decide, write and audit a recovery: store the credential
 * active (and consume the ticket) when someone lets it in without an
 * approval, else store it held by the ticket. Must run with no await between
 * the caller's last await and here, so of two registrations racing for a new
 * user, only the first to commit is a first enrollment. A credential let in
 * gets its `enrolled` entry in the same transaction; a held one gets it when
 * it is approved (commit-enrollment-approval.ts).
 */
export function commitEnrollment(
  storage: DurableObjectStorage,
  log: VaultLog,
  r: Registration,
): Admission | undefined {
  const sql = storage.sql;
  const current = loadTicket(sql, r.hash, 'enroll');
  assertUsable(current, r.now, r.first?.accepted);
  refuseHolding(current);
  dropLapsedHolds(sql, r.now);
  if (getCredential(sql, r.reg.credentialId))
    throw new ProblemError('attestation_rejected', 'credential already enrolled');
  const admission = admissionOf(sql, r.data, r.addCredential);
  storage.transactionSync(() => {
    insertCredential(
      sql,
      r.reg,
      r.attestation,
      admission ? { approvedBy: admission } : { heldBy: r.hash },
      r.now,
    );
    setEnrollment(sql, r.reg.credentialId, JSON.stringify(r.enrollment));
    if (admission) {
      consumeTicket(sql, r.hash);
      markEnrolled(sql);
      const { credentialId, publicKey, aaguid } = r.reg;
      logEnrolled(log, sql, {
        now: r.now,
        credentialId,
        key: keyOf(publicKey),
        aaguid,
        attested: r.attestation.attested,
        approvedBy: admission,
      });
    } else {
      holdOnTicket(sql, r.hash, { ...r.data, held: r.hold });
    }
    if (r.first) keepRegistration(sql, r.hash, r.first, admission !== undefined);
  });
  // The audit trail of a recovery: who was let in without an existing passkey (no secret in it).
  if (admission === 'recovery') {
    console.log(
      `[psea] audit ${JSON.stringify({ event: 'enrolled', approvedBy: 'recovery', user: r.data.user.id, credentialId: r.reg.credentialId })}`,
    );
  }
  return admission;
}
