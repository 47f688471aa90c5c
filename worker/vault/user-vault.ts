/**
 * One Durable Object per user (`idFromName(userId)`): credentials, counters,
 * tickets and receipt redemptions. Ceremonies run as: synchronous checks →
 * awaited crypto → synchronous re-check and commit. Nothing awaits between
 * the re-check and the writes, so of any number of concurrent submissions
 * for one ticket exactly one commits; the others see it consumed.
 *
 * Why the receipt is signed inside the object, before the commit: signing is
 * an await, and nothing may await between the re-check and the writes. So the
 * receipt is signed first and the commit stores it; a signed receipt whose
 * commit fails (the ticket lost a race, the credential was revoked meanwhile)
 * is simply dropped, never returned.
 *
 * This file holds the entry points the routes call; the state, the
 * assertion check, the commit and failure plumbing and the alarm they share
 * are in vault-core.ts.
 */
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { checkEnrollment } from '../attestation/check-enrollment';
import { getPolicy, getSigningKeys, getTrust, getVars } from '../config';
import { ProblemError } from '../errors';
import { selectRule } from '../policy/select-rule';
import { buildReceiptClaims } from '../receipts/build-receipt-claims';
import { signReceipt } from '../receipts/sign-receipt';
import type { Statement } from '../../packages/psea/src/receipt/types';
import { rpIdHash } from '../../packages/psea/src/webauthn/bytes';
import type { EnrolledCredential, NewAction, NewEnrollment, RegistrationOutcome } from './ceremony-types';
import { claimCredentialId } from './ceremonies/claim-credential-id';
import { commitApproval } from './commits/commit-approval';
import { commitEnrollment } from './commits/commit-enrollment';
import { commitEnrollmentApproval } from './commits/commit-enrollment-approval';
import { credentialAddHold, shownName } from './ceremonies/credential-add-approval';
import { holdingTicket, refuseHolding, refuseStep } from './ceremonies/enrollment-tickets';
import { dropLapsedHolds } from './storage/held-credentials';
import { issueAction, issueEnrollment } from './ceremonies/issue-tickets';
import { outcome } from './outcome';
import { pendingAction, pendingTicket } from './memory/pending-actions';
import { enrollmentAnswer, heldAnswer, requestOptions } from './reads/request-options';
import { allCredentials, credentialJSON, credentialState, getCredential, receiptCredential } from './storage/credentials';
import { enrollmentRecord } from './commits/enrollment-record';
import { revokeLogged } from './commits/log-writes';
import { entryTime } from './storage/vault-log';
import { getLogSigner } from '../log-config';
import { evidenceBundle, refuseNoEvidence, type BundleRequest } from './reads/evidence-bundle';
import { logConsistency, logPage } from './reads/log-reads';
import { getEvidence } from './storage/evidence';
import { redeemOnce } from './storage/redemptions';
import { redeemItemsOnce } from './storage/item-redemptions';
import { batchItems } from './storage/batch-items';
import { ticketTimes, usableTicket } from './storage/tickets';
import type { ActionTicketData, CredentialJSON, Display, EnrollTicketData, Outcome, TicketRow } from './types';
import { authorisedTicket, waitForStatus, type StatusAnswer, type StatusQuery } from './reads/action-status';
import { setTicketHooks } from './storage/ticket-hooks';
import { credentialWebhookUrl } from '../webhooks/config';
import { queueActionEvent, scheduleAlarm } from './webhooks/webhook-queue';
import { commitOfflineApproval, issueGrants, offlineEntry, offlineReceiptClaims, openGrant, type OfflineSubmission } from './ceremonies/offline-approval';
import type { NewGrants } from './storage/offline-grants';
import type { OfflineCredential } from '../../packages/psea/src/offline/types';
import { offlineChallenge } from '../../packages/psea/src/offline/offline-statement';
import { VaultCore } from './vault-core';

export type * from './ceremony-types';

export class UserVault extends VaultCore {
  // ---- server side (API key checked by the Worker) ----

  async createEnrollment(input: NewEnrollment): Promise<Outcome<{ expiresAt: number }>> {
    return outcome(async () => ({ expiresAt: issueEnrollment(this.ctx.storage, input) }));
  }

  async createAction(input: NewAction): Promise<Outcome<{ expiresAt: number }>> {
    return outcome(async () => {
      const expiresAt = issueAction(this.ctx.storage, input);
      // Same synchronous turn as the insert, so one implicit transaction.
      if (input.hooks) setTicketHooks(this.sql, input.hash, input.hooks);
      // Its expiry is told by the alarm, whether anyone looks or not.
      if (input.hooks?.callbackUrl) scheduleAlarm(this.ctx.storage);
      this.pending.remember(input.hash, pendingAction({ challenge: input.challenge, expiresAt, createdAt: input.now }, input.data));
      return { expiresAt };
    });
  }

  /** Where the ticket stands; with `waitMs`, held here until it is no longer pending or the wait ends (action-status.ts). */
  async actionStatus(hash: string, now: number, query: StatusQuery = {}): Promise<Outcome<StatusAnswer>> {
    return outcome(async () => waitForStatus(this.sql, this.waiters, hash, authorisedTicket(this.sql, hash, query.tokenHash), now, query.waitMs ?? 0));
  }

  /**
   * Whether a ticket of this kind can still be used, for `step` on an
   * enrollment ticket: one that holds a credential takes no registration, one
   * that holds none has nothing to approve. Reads only.
   */
  async ticketUsable(hash: string, kind: TicketRow['kind'], now: number, step?: 'register' | 'approve'): Promise<Outcome<null>> {
    return outcome(async () => (refuseStep(this.sql, usableTicket(this.sql, hash, kind, now), step), null));
  }

  /** Single use of items of a batch receipt: all of `indexes` or none (storage/item-redemptions.ts). */
  async redeemItems(jti: string, exp: number, indexes: number[], now: number): Promise<Outcome<null>> {
    return outcome(async () => (redeemItemsOnce(this.ctx.storage, jti, exp, indexes, now), null));
  }

  /** Single use of a receipt's `jti`; rows live until past the receipt's expiry and clock tolerance. */
  async redeem(jti: string, exp: number, now: number): Promise<Outcome<null>> {
    return outcome(async () => (redeemOnce(this.sql, jti, exp, now), null));
  }

  async listCredentials(now: number): Promise<Outcome<CredentialJSON[]>> {
    return outcome(async () => allCredentials(this.sql, now).map(credentialJSON));
  }

  async revokeCredential(id: string, now: number): Promise<Outcome<null>> {
    return outcome(async () => {
      const hook = credentialWebhookUrl(this.env);
      dropLapsedHolds(this.sql, now);
      const was = credentialState(this.sql, id);
      revokeLogged(this.ctx.storage, this.log, id, now);
      // Same synchronous turn as the revocation and its entry: one implicit transaction.
      if (was === 'active') this.credentialChanged(hook, 'credential.revoked', id, now);
      this.credentials.forget(id);
      if (!getCredential(this.sql, id)) throw new ProblemError('not_found', 'no such credential for this user');
      return null;
    });
  }

  /** Single-use offline grants (SPEC "Offline approvals"), with the active credentials their bundle lists. */
  async createOfflineGrants(input: NewGrants): Promise<Outcome<{ creds: OfflineCredential[] }>> {
    return outcome(async () => issueGrants(this.sql, input));
  }

  // ---- the log and evidence (server side; SPEC v2 "Evidence and the transparency log") ----
  // Each reads the tree size with what it proves, synchronously, then signs that size's checkpoint.

  /** Entries [start, end) of this user's log and the current checkpoint. */
  async readLog(userId: string, start: number, end: number | undefined) {
    return outcome(async () => {
      const signer = await getLogSigner(this.env);
      const { size, entries } = logPage(this.log, start, end);
      return { checkpoint: await this.log.checkpoint(signer, userId, size), entries };
    });
  }

  /** The current checkpoint and the consistency proof from size `from` to it. */
  async logConsistency(userId: string, from: number) {
    return outcome(async () => {
      const signer = await getLogSigner(this.env);
      const { size, proof } = logConsistency(this.log, from);
      return { checkpoint: await this.log.checkpoint(signer, userId, size), proof };
    });
  }

  /** An approved ticket's evidence bundle; 409 `not_approved` until it is approved. */
  async evidence(hash: string, req: BundleRequest, now: number) {
    return outcome(async () => {
      const signer = await getLogSigner(this.env);
      const row = getEvidence(this.sql, hash, now - getVars(this.env).evidenceTtlDays * 86_400_000) ?? refuseNoEvidence(this.sql, hash, now);
      const size = this.log.size();
      const { log, ...bundle } = evidenceBundle(this.sql, this.log, row, size, req);
      return { ...bundle, log: { checkpoint: await this.log.checkpoint(signer, bundle.statement.sub, size), ...log } };
    });
  }

  // ---- browser side (the ticket is the authorisation) ----

  /** Creation options for the ticket's user, with its `pending` and `approval` once it holds a credential. */
  async enrollmentOptions(hash: string, now: number) {
    return outcome(async () => enrollmentAnswer(this.sql, this.env, usableTicket(this.sql, hash, 'enroll', now), () => this.userHandle(), now));
  }

  /**
   * A registration. The user's first credential, a recovery ticket's, or any
   * under the policy `addCredential: "open"` enrolls at once (201); any later
   * one is stored `pending`, held by this ticket until one of the user's
   * active credentials approves it (202, then {@link approveEnrollment}).
   */
  async enroll(hash: string, response: RegistrationResponseJSON, now: number): Promise<Outcome<RegistrationOutcome>> {
    return this.ceremony(hash, () => refuseHolding(usableTicket(this.sql, hash, 'enroll', now)), async (row) => {
      const hook = credentialWebhookUrl(this.env);
      const vars = getVars(this.env);
      const policy = getPolicy(this.env);
      // 1. WebAuthn checks, attestation (chain, metadata, revocation), then the policy.
      const expected = { challenge: row.challenge, rpId: vars.rpId, rpIdHash: await rpIdHash(vars.rpId), allowedOrigins: vars.allowedOrigins };
      const { reg, attestation, deviceBound } = await checkEnrollment(response, expected, policy, getTrust(this.env));
      // 2. One credential id, one user, across every vault. The claim is an await, so it comes
      // before the re-check; a claim whose commit then fails stays this user's.
      const data = JSON.parse(row.data) as EnrollTicketData;
      await claimCredentialId(this.env, reg.credentialId, data.user.id);
      // 3. The approval it would wait for, made before the commit, which cannot await.
      const { credentialId, publicKey, aaguid, backedUp } = reg;
      const hold = await credentialAddHold(
        { iss: data.iss ?? vars.issuer, userId: data.user.id, credentialId, publicKey, aaguid, deviceBound, backedUp, authenticatorName: shownName(attestation), createdAt: now },
        (action) => selectRule(policy, action),
      );

      // 4. Re-check after the awaits, then decide and write. No await below.
      const enrollment = enrollmentRecord(response);
      const admission = commitEnrollment(this.ctx.storage, this.log, { hash, now, data, reg, attestation, hold, addCredential: policy.enrollment.addCredential, enrollment });
      if (admission) {
        this.credentialChanged(hook, 'credential.enrolled', credentialId, now, admission);
        return { credentialId, aaguid, deviceBound, backedUp };
      }
      return heldAnswer(this.sql, vars.rpId, hold, now);
    });
  }

  /**
   * An existing credential approves the credential this ticket holds. Every
   * check of an action's approval applies, each with its code, and a 422
   * counts against the enrollment ticket; its fifth burns the ticket and
   * drops the held credential. The approver is judged now, not when the
   * registration was held. `accepted` is the SHA-256 of the request body: a
   * byte-identical retry of the accepted post gets 409 with the 201 body.
   */
  async approveEnrollment(hash: string, response: AuthenticationResponseJSON, now: number, accepted: string): Promise<Outcome<EnrolledCredential>> {
    return this.ceremony(hash, () => holdingTicket(this.sql, hash, now, accepted), async (hold) => {
      const hook = credentialWebhookUrl(this.env);
      // 1. Every assertion check: this hold's statement, by an active credential of this user (never
      // the held one) meeting the rule frozen into the hold (hosted only when it names origins), and its signature.
      const ruleOrigins = hold.rule.origins ? { ruleOrigins: new Set(hold.rule.origins) } : {};
      const { credential: approver, authData } = await this.verifyAssertion(response, hold.challenge, hold.rule.require, ruleOrigins);

      // 2. Commit: consume, advance the approver's counter and activate, in one transaction. No await below.
      const enrolled: EnrolledCredential = { credentialId: hold.credentialId, aaguid: hold.aaguid, deviceBound: hold.deviceBound, backedUp: hold.backedUp };
      const commit = { hash, now, heldId: hold.credentialId, approverId: approver.id, counter: authData.counter, backedUp: authData.flags.bs, accepted, result: JSON.stringify(enrolled) };
      this.committing(approver.id, () => commitEnrollmentApproval(this.ctx.storage, this.log, commit), hook);
      this.credentialChanged(hook, 'credential.enrolled', hold.credentialId, now, approver.id);
      return enrolled;
    });
  }

  async actionDetails(hash: string, now: number) {
    return outcome(async () => {
      const row = usableTicket(this.sql, hash, 'action', now);
      const data = JSON.parse(row.data) as ActionTicketData;
      // The person is about to approve: keep what the approval needs at hand.
      this.pending.remember(hash, pendingAction(ticketTimes(row), data));
      const options = await requestOptions(this.sql, getVars(this.env).rpId, row.challenge, now);
      // A batch's items, every one, in order (storage/batch-items.ts).
      const items = data.items === undefined ? {} : { items: batchItems(this.sql, hash) };
      return { action: data.action, display: data.display as Display, actionHash: data.actionHash, statement: data.statement as Statement, options, ...items };
    });
  }

  /**
   * `accepted`: base64url SHA-256 of the request body as posted. It is kept
   * with the receipt, so the same body posted again (a retry of an answer
   * lost to a 503) gets 409 `ticket_used` carrying that receipt. `posted`:
   * that body's text, kept as the evidence's assertion exactly as accepted.
   */
  async verifyAction(hash: string, response: AuthenticationResponseJSON, now: number, accepted: string, posted?: string): Promise<Outcome<{ receipt: string }>> {
    return this.ceremony(hash, () => pendingTicket(this.pending, this.sql, hash, now, accepted), async (ticket) => {
      const hook = credentialWebhookUrl(this.env);
      // 1. Every assertion check, the rule's origins and requirement included.
      const ruleOrigins = ticket.rule.origins ? { ruleOrigins: new Set(ticket.rule.origins) } : {};
      const { credential: cred, authData } = await this.verifyAssertion(response, ticket.challenge, ticket.rule.require, ruleOrigins);

      // 2. Sign the receipt: an await, so before the commit (see the header).
      const { statement, actionHash, actionType, batch } = ticket;
      const credential = receiptCredential(cred, authData.flags.bs);
      const claims = buildReceiptClaims({ statement, actionHash, actionType, batch, ruleId: ticket.rule.id, credential, now, ttlSeconds: getVars(this.env).receiptTtlSeconds });
      const receipt = await signReceipt(claims, (await getSigningKeys(this.env)).signer);

      // 3. Commit: guarded writes re-check what may have changed during the awaits. No await below.
      // Whatever the commit finds, the ticket is no longer known pending.
      this.pending.forget(hash);
      const entry = { v: 1, kind: 'approved', at: entryTime(now), sub: statement.sub, cred: cred.id, challenge: ticket.challenge, act: claims.act, aud: claims.aud, jti: claims.jti } as const;
      const evidenceKeptSince = now - getVars(this.env).evidenceTtlDays * 86_400_000;
      const evidence = { assertion: posted ?? JSON.stringify(response) };
      const commit = { hash, now, receipt, credentialId: cred.id, counter: authData.counter, backedUp: authData.flags.bs, ticketCreatedAt: ticket.createdAt, accepted, entry, evidence, evidenceKeptSince };
      this.committing(cred.id, () => commitApproval(this.ctx.storage, this.log, commit), hook);
      // Same synchronous turn as the commit: its webhook row, with the log size after the approval.
      if (queueActionEvent(this.sql, hash, 'action.approved', now, this.log.size())) scheduleAlarm(this.ctx.storage);
      this.settled(hash, now);
      return { receipt };
    });
  }

  /**
   * An offline proof on one of this user's grants (offline-approval.ts).
   * Every verify check but the counter, which is neither checked nor advanced;
   * a failure leaves the grant unused and counts nothing.
   */
  async approveOffline(s: OfflineSubmission): Promise<Outcome<{ receipt: string }>> {
    return outcome(async () => {
      // 1. The grant and the statement against it, then every assertion check under the rule.
      openGrant(this.sql, s);
      const ruleOrigins = s.rule.origins ? { ruleOrigins: new Set(s.rule.origins) } : {};
      const challenge = await offlineChallenge(s.statement);
      const { credential: cred, authData } = await this.verifyAssertion(s.assertion, challenge, s.rule.require, ruleOrigins);
      // 2. Sign the receipt before the commit, which cannot await (see the header).
      const claims = offlineReceiptClaims(s, receiptCredential(cred, authData.flags.bs), getVars(this.env).receiptTtlSeconds);
      const receipt = await signReceipt(claims, (await getSigningKeys(this.env)).signer);
      // 3. Re-check, use the grant and log the approval in one transaction. No await below.
      const entry = offlineEntry(claims, cred.id, challenge, s.now);
      this.committing(cred.id, () => commitOfflineApproval(this.ctx.storage, this.log, s, { credentialId: cred.id, receipt, entry }));
      return { receipt };
    });
  }
}
