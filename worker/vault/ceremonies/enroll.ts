/** Enrollment: the ticket, its creation options, and a registration (first, recovery, open, or held for approval). */
import type { VaultState } from '../vault-state';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { checkEnrollment } from '../../attestation/check-enrollment';
import { getPolicy, getTrust, getVars } from '../../config';
import { selectRule } from '../../policy/select-rule';
import { rpIdHash } from '../../../packages/psea/src/webauthn/bytes';
import type { NewEnrollment, RegistrationOutcome } from '../ceremony-types';
import { claimCredentialId } from './claim-credential-id';
import { commitEnrollment } from '../commits/commit-enrollment';
import { credentialAddHold, shownName } from './credential-add-approval';
import { refuseHolding } from './enrollment-tickets';
import { heldRetry } from './registration-retry';
import { issueEnrollment } from './issue-tickets';
import { outcome } from '../outcome';
import { enrollmentAnswer, heldAnswer } from '../reads/request-options';
import { enrollmentRecord } from '../commits/enrollment-record';
import { usableTicket } from '../storage/tickets';
import type { EnrollTicketData, Outcome } from '../types';
import { credentialWebhookUrl } from '../../webhooks/config';

export async function createEnrollment(
  v: VaultState,
  input: NewEnrollment,
): Promise<Outcome<{ expiresAt: number }>> {
  return outcome(async () => ({ expiresAt: issueEnrollment(v.ctx.storage, input) }));
}

/** Creation options for the ticket's user, with its `pending` and `approval` once it holds a credential. */
export async function enrollmentOptions(v: VaultState, hash: string, now: number) {
  return outcome(async () =>
    enrollmentAnswer(
      v.sql,
      v.env,
      usableTicket(v.sql, hash, 'enroll', now),
      () => v.userHandle(),
      now,
    ),
  );
}

/**
 * A registration. The user's first credential, a recovery ticket's, or any
 * under the policy `addCredential: "open"` enrolls at once (201); any later
 * one is stored `pending`, held by this ticket until one of the user's
 * active credentials approves it (202, then {@link approveEnrollment}).
 */
export async function enroll(
  v: VaultState,
  hash: string,
  response: RegistrationResponseJSON,
  now: number,
  accepted?: string,
): Promise<Outcome<RegistrationOutcome>> {
  // `accepted`: SHA-256 of the body; its byte-identical retry is told the first answer (registration-retry.ts).
  const retried = await heldRetry(v.sql, getVars(v.env).rpId, hash, now, accepted);
  if (retried) return retried;
  return v.ceremony(
    hash,
    () => refuseHolding(usableTicket(v.sql, hash, 'enroll', now, accepted)),
    async (row) => {
      const hook = credentialWebhookUrl(v.env);
      const vars = getVars(v.env);
      const policy = getPolicy(v.env);
      // 1. WebAuthn checks, attestation (chain, metadata, revocation), then the policy.
      const expected = {
        challenge: row.challenge,
        rpId: vars.rpId,
        rpIdHash: await rpIdHash(vars.rpId),
        allowedOrigins: vars.allowedOrigins,
      };
      const { reg, attestation, deviceBound } = await checkEnrollment(
        response,
        expected,
        policy,
        getTrust(v.env),
      );
      // 2. One credential id, one user, across every vault. The claim is an await, so it comes
      // before the re-check; a claim whose commit then fails stays this user's.
      const data = JSON.parse(row.data) as EnrollTicketData;
      await claimCredentialId(v.env, reg.credentialId, data.user.id);
      // 3. The approval it would wait for, made before the commit, which cannot await.
      const { credentialId, publicKey, aaguid, backedUp } = reg;
      const hold = await credentialAddHold(
        {
          iss: data.iss ?? vars.issuer,
          userId: data.user.id,
          credentialId,
          publicKey,
          aaguid,
          deviceBound,
          backedUp,
          authenticatorName: shownName(attestation),
          createdAt: now,
        },
        (action) => selectRule(policy, action),
      );

      // 4. Re-check after the awaits, then decide and write. No await below.
      const enrollment = enrollmentRecord(response);
      const enrolled = { credentialId, aaguid, deviceBound, backedUp };
      const first =
        accepted === undefined ? undefined : { accepted, result: JSON.stringify(enrolled) };
      const admission = commitEnrollment(v.ctx.storage, v.log, {
        hash,
        now,
        data,
        reg,
        attestation,
        hold,
        addCredential: policy.enrollment.addCredential,
        enrollment,
        first,
      });
      if (admission) {
        v.credentialChanged(hook, 'credential.enrolled', credentialId, now, admission);
        return enrolled;
      }
      return heldAnswer(v.sql, vars.rpId, hold, now);
    },
  );
}
