/** An existing passkey approves the one an enrollment ticket holds (docs/adding-a-passkey.md). */
import type { VaultState } from '../vault-state';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { EnrolledCredential } from '../ceremony-types';
import { commitEnrollmentApproval } from '../commits/commit-enrollment-approval';
import { holdingTicket } from './enrollment-tickets';
import type { Outcome } from '../types';
import { credentialWebhookUrl } from '../../webhooks/config';

/**
 * An existing credential approves the credential this ticket holds. Every
 * check of an action's approval applies, each with its code, and a 422
 * counts against the enrollment ticket; its fifth burns the ticket and
 * drops the held credential. The approver is judged now, not when the
 * registration was held. `accepted` is the SHA-256 of the request body: a
 * byte-identical retry of the accepted post gets 409 with the 201 body.
 * `posted`: that body's text, kept with the statement as the chain of custody's
 * link, exactly as accepted (docs/evidence.md "Chain of custody").
 */
export async function approveEnrollment(
  v: VaultState,
  hash: string,
  response: AuthenticationResponseJSON,
  now: number,
  accepted: string,
  posted?: string,
): Promise<Outcome<EnrolledCredential>> {
  return v.ceremony(
    hash,
    () => holdingTicket(v.sql, hash, now, accepted),
    async (hold) => {
      const hook = credentialWebhookUrl(v.env);
      // 1. Every assertion check: this hold's statement, by an active credential of this user (never
      // the held one) meeting the rule frozen into the hold (hosted only when it names origins), and its signature.
      const ruleOrigins = hold.rule.origins ? { ruleOrigins: new Set(hold.rule.origins) } : {};
      const { credential: approver, authData } = await v.verifyAssertion(
        response,
        hold.challenge,
        hold.rule.require,
        ruleOrigins,
      );

      // 2. Commit: consume, advance the approver's counter and activate, in one transaction. No await below.
      const enrolled: EnrolledCredential = {
        credentialId: hold.credentialId,
        aaguid: hold.aaguid,
        deviceBound: hold.deviceBound,
        backedUp: hold.backedUp,
      };
      const approval = {
        statement: JSON.stringify(hold.statement),
        challenge: hold.challenge,
        assertion: posted ?? JSON.stringify(response),
      };
      const commit = {
        hash,
        now,
        heldId: hold.credentialId,
        approverId: approver.id,
        counter: authData.counter,
        backedUp: authData.flags.bs,
        accepted,
        result: JSON.stringify(enrolled),
        approval,
      };
      v.committing(approver.id, () => commitEnrollmentApproval(v.ctx.storage, v.log, commit), hook);
      v.credentialChanged(hook, 'credential.enrolled', hold.credentialId, now, approver.id);
      return enrolled;
    },
  );
}
