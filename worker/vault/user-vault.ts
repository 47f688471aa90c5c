/**
 * One Durable Object per user (`idFromName(userId)`): credentials, counters,
 * tickets and receipt redemptions. Ceremonies run as: synchronous checks →
 * awaited crypto → synchronous re-check and commit. Nothing awaits between
 * the re-check and the writes, so of any number of concurrent submissions
 * for one ticket exactly one commits; the others see it consumed.
 */
import { DurableObject } from 'cloudflare:workers';
import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { getPolicy, getSigningKeys, getTrust, getVars } from '../config';
import type { Env } from '../env';
import { checkEnrollment } from '../attestation/check-enrollment';
import { CEREMONY_FAILURES, PseaError } from '../errors';
import { callObject } from '../http/vault-call';
import { checkRequirement } from '../policy/check-credential';
import { randomId } from '../lib/random-id';
import { DEFAULT_CLOCK_TOLERANCE_SECONDS } from '../receipt/verify-options';
import { signReceipt } from '../receipt/sign-receipt';
import type { ReceiptClaims, Statement } from '../receipt/types';
import { rpIdHash } from '../webauthn/bytes';
import { checkAssertion } from '../webauthn/check-assertion';
import { importCosePublicKey, type CredentialKey } from '../webauthn/cose-key';
import { authenticationOptions, registrationOptions } from '../webauthn/options';
import { verifyAssertionSignature } from '../webauthn/verify-assertion';
import type { CheckedAssertion } from '../webauthn/check-assertion';
import { selectRule } from '../policy/select-rule';
import {
  allCredentials,
  credentialJSON,
  descriptor,
  enrolledAt,
  facts,
  getCredential,
  getPublicKey,
  hasActiveCredential,
  insertCredential,
} from './credentials';
import { ActiveCredentials, type KnownCredential } from './active-credentials';
import { commitApproval } from './commit-approval';
import { commitEnrollmentApproval } from './commit-enrollment-approval';
import { credentialAddHold, type Hold } from './credential-add-approval';
import { dropBurnedHold, dropLapsedHolds, markEnrolled } from './held-credentials';
import { admissionOf, holdingTicket, holdOf, refuseHolding } from './enrollment-tickets';
import { pendingAction, PendingActions, type PendingAction } from './pending-actions';
import { migrate } from './schema';
import { actionState, assertUsable, loadTicket, pruneTickets, recordFailure, usableTicket, type ActionState } from './tickets';
import type { ActionTicketData, CredentialJSON, Display, EnrollTicketData, Outcome, TicketRow } from './types';

/**
 * A ticket's expiry, rounded up to a whole second: exactly the `expiresAt`
 * its creator is shown. Rounding up, a ticket lives at least its ttl (up to a
 * second more), so even a ttl of 1 s leaves time to use it.
 */
function expiryOf(now: number, ttlSeconds: number): number {
  return Math.ceil(now / 1000 + ttlSeconds) * 1000;
}

const ticketTimes = (row: TicketRow) => ({ challenge: row.challenge, expiresAt: row.expires_at, createdAt: row.created_at });

/**
 * How long a spent `jti` is kept after `exp`. The redeem route allows no clock
 * skew, but it runs on many machines: the margin covers one whose clock is behind.
 */
const REDEMPTION_RETENTION_SECONDS = DEFAULT_CLOCK_TOLERANCE_SECONDS + 60;

export interface NewEnrollment {
  hash: string;
  user: { id: string; name: string; displayName: string };
  /** The issuer named in an approval statement, should the registration be held. */
  iss: string;
  /** The RP's recovery: the next registration enrolls without approval. */
  recovery: boolean;
  ttlSeconds: number;
  now: number;
}

export interface NewAction {
  hash: string;
  data: ActionTicketData;
  challenge: string;
  ttlSeconds: number;
  now: number;
}

export interface EnrolledCredential {
  credentialId: string;
  aaguid: string;
  deviceBound: boolean;
  backedUp: boolean;
}

/** The 202 of a held registration (SPEC "Adding a passkey"): the new credential, and what an existing one must approve. */
export interface HeldEnrollment {
  pending: { credentialId: string; aaguid: string; deviceBound: boolean };
  approval: ApprovalJSON;
}

export interface ApprovalJSON {
  /** The action the statement's `act` hashes, so the approver can check it. */
  action: Hold['action'];
  statement: Statement;
  display: Display;
  options: PublicKeyCredentialRequestOptionsJSON;
}

/** A registration's outcome: enrolled at once (201), or held for approval (202, with `pending`). */
export type RegistrationOutcome = EnrolledCredential | HeldEnrollment;

export class UserVault extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  /** Imported credential keys: a credential's key never changes, so import it once. */
  private readonly keys = new Map<string, Promise<CredentialKey>>();
  /** Action tickets known to be pending, in memory: an approval then reads no ticket row. */
  private readonly pending = new PendingActions();
  /** Active credentials read before, in memory: an approval then reads no credential row. */
  private readonly credentials = new ActiveCredentials();
  private handle: string | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    migrate(ctx.storage);
  }

  // ---- server side (API key checked by the Worker) ----

  async createEnrollment(input: NewEnrollment): Promise<Outcome<{ expiresAt: number }>> {
    return this.outcome(async () => {
      const expiresAt = expiryOf(input.now, input.ttlSeconds);
      const data: EnrollTicketData = { user: input.user, iss: input.iss, ...(input.recovery ? { recovery: true } : {}) };
      this.ctx.storage.transactionSync(() => {
        this.setUser(input.user);
        this.prune(input.now);
        this.insertTicket(input.hash, 'enroll', randomId(32), expiresAt, data, input.now);
      });
      return { expiresAt };
    });
  }

  async createAction(input: NewAction): Promise<Outcome<{ expiresAt: number }>> {
    return this.outcome(async () => {
      // Refuse before issuing: a ticket nobody can approve is a dead end for the host.
      if (!hasActiveCredential(this.sql)) throw new PseaError('not_enrolled');
      const expiresAt = expiryOf(input.now, input.ttlSeconds);
      this.ctx.storage.transactionSync(() => {
        this.prune(input.now);
        this.insertTicket(input.hash, 'action', input.challenge, expiresAt, input.data, input.now);
      });
      this.pending.remember(input.hash, pendingAction({ challenge: input.challenge, expiresAt, createdAt: input.now }, input.data));
      return { expiresAt };
    });
  }

  async actionStatus(hash: string, now: number): Promise<Outcome<{ state: ActionState; receipt?: string }>> {
    return this.outcome(async () => {
      const row = loadTicket(this.sql, hash, 'action');
      const state = actionState(row, now);
      return row.receipt ? { state, receipt: row.receipt } : { state };
    });
  }

  /**
   * Whether a ticket of this kind can still be used, for `step` on an
   * enrollment ticket: one that holds a credential takes no registration, one
   * that holds none has nothing to approve. Reads only.
   */
  async ticketUsable(hash: string, kind: TicketRow['kind'], now: number, step?: 'register' | 'approve'): Promise<Outcome<null>> {
    return this.outcome(async () => {
      const row = usableTicket(this.sql, hash, kind, now);
      if (step === 'register') refuseHolding(row);
      if (step === 'approve') holdOf(this.sql, row);
      return null;
    });
  }

  /** Single use of a receipt's `jti`; rows live until past the receipt's expiry and clock tolerance. */
  async redeem(jti: string, exp: number, now: number): Promise<Outcome<null>> {
    return this.outcome(async () => {
      // Keep rows past `exp` for as long as verification still accepts the receipt (clock
      // tolerance): pruning at `exp` let an expired-but-tolerated receipt redeem on every call.
      this.sql.exec('DELETE FROM redemptions WHERE exp < ?', Math.floor(now / 1000) - REDEMPTION_RETENTION_SECONDS);
      const inserted = this.sql.exec('INSERT INTO redemptions (jti, exp) VALUES (?, ?) ON CONFLICT DO NOTHING', jti, exp).rowsWritten;
      if (inserted === 0) throw new PseaError('receipt_redeemed');
      return null;
    });
  }

  async listCredentials(now: number): Promise<Outcome<CredentialJSON[]>> {
    return this.outcome(async () => allCredentials(this.sql, now).map(credentialJSON));
  }

  async revokeCredential(id: string, now: number): Promise<Outcome<null>> {
    return this.outcome(async () => {
      dropLapsedHolds(this.sql, now);
      // A locked credential stays locked: that state is the only sign it may have been cloned.
      // A held one is revoked too: its ticket can then no longer let it in.
      this.sql.exec("UPDATE credentials SET state = 'revoked', pending_ticket = NULL WHERE id = ? AND state IN ('active', 'pending')", id);
      this.credentials.forget(id);
      if (!getCredential(this.sql, id)) throw new PseaError('not_found', 'no such credential for this user');
      return null;
    });
  }

  // ---- browser side (the ticket is the authorisation) ----

  /**
   * Creation options for the ticket's user. A ticket that already holds a
   * credential also answers with its `pending` and `approval` (as the 202
   * did), so a page reloaded between the two steps can finish the second.
   */
  async enrollmentOptions(hash: string, now: number) {
    return this.outcome(async () => {
      const row = usableTicket(this.sql, hash, 'enroll', now);
      const { rpId, rpName } = getVars(this.env);
      const data = JSON.parse(row.data) as EnrollTicketData;
      const { user } = data;
      const options = await registrationOptions({
        rpId,
        rpName,
        user: { handle: this.userHandle(), name: user.name, displayName: user.displayName },
        challenge: row.challenge,
        exclude: allCredentials(this.sql, now).map(descriptor),
        attestation: getPolicy(this.env).attestation,
      });
      const answer = { user: { name: user.name, displayName: user.displayName }, options };
      if (!data.held) return answer;
      return { ...answer, ...(await this.heldAnswer(holdOf(this.sql, row), now)) };
    });
  }

  /**
   * A registration. The user's first credential, a recovery ticket's, or any
   * under the policy `addCredential: "open"` enrolls at once (201); any later
   * one is stored `pending`, held by this ticket until one of the user's
   * active credentials approves it (202, then {@link approveEnrollment}).
   */
  async enroll(hash: string, response: RegistrationResponseJSON, now: number): Promise<Outcome<RegistrationOutcome>> {
    return this.ceremony(hash, () => refuseHolding(usableTicket(this.sql, hash, 'enroll', now)), async (row) => {
      const vars = getVars(this.env);
      const policy = getPolicy(this.env);
      // 1. WebAuthn checks, attestation (chain, metadata, revocation), then the policy.
      const { reg, attestation, deviceBound } = await checkEnrollment(
        response,
        { challenge: row.challenge, rpId: vars.rpId, rpIdHash: await rpIdHash(vars.rpId), allowedOrigins: vars.allowedOrigins },
        policy,
        getTrust(this.env),
      );
      // 2. One credential id, one user, across every vault (WebAuthn §7.1). The claim is an await,
      // so it comes before the re-check; a claim whose commit then fails stays this user's.
      const owners = this.env.CREDENTIAL_OWNERS;
      const data = JSON.parse(row.data) as EnrollTicketData;
      const owner = () => owners.get(owners.idFromName(reg.credentialId));
      // A runtime failure of the claim is 503 unavailable (not a failed attempt): the ticket stays usable.
      if (!(await callObject('claim', false, owner(), owner, (o) => o.claim(data.user.id)))) {
        throw new PseaError('attestation_rejected', 'credential id already enrolled for another user');
      }
      // 3. The approval it would wait for, made before the commit, which cannot await.
      const hold = await credentialAddHold(
        {
          iss: data.iss ?? vars.issuer,
          userId: data.user.id,
          credentialId: reg.credentialId,
          publicKey: reg.publicKey,
          aaguid: reg.aaguid,
          deviceBound,
          backedUp: reg.backedUp,
          authenticatorName: attestation.name,
          createdAt: now,
        },
        (action) => selectRule(policy, action),
      );

      // 4. Re-check after the awaits, then decide and write: nothing awaits from here on, so of two
      // registrations racing for a new user, only the first to commit is a first enrollment.
      const current = loadTicket(this.sql, hash, 'enroll');
      assertUsable(current, now);
      refuseHolding(current);
      dropLapsedHolds(this.sql, now);
      if (getCredential(this.sql, reg.credentialId)) throw new PseaError('attestation_rejected', 'credential already enrolled');
      const admission = admissionOf(this.sql, data, policy.enrollment.addCredential);
      this.ctx.storage.transactionSync(() => {
        insertCredential(this.sql, reg, attestation, admission ? { approvedBy: admission } : { heldBy: hash }, now);
        if (admission) {
          this.sql.exec("UPDATE tickets SET state = 'consumed' WHERE hash = ?", hash);
          markEnrolled(this.sql);
        } else {
          this.sql.exec('UPDATE tickets SET data = ? WHERE hash = ?', JSON.stringify({ ...data, held: hold } satisfies EnrollTicketData), hash);
        }
      });
      // The audit trail of a recovery: who was let in without an existing passkey (no secret in it).
      if (admission === 'recovery') {
        console.log(`[psea] audit ${JSON.stringify({ event: 'enrolled', approvedBy: 'recovery', user: data.user.id, credentialId: reg.credentialId })}`);
      }
      if (admission) return { credentialId: reg.credentialId, aaguid: reg.aaguid, deviceBound, backedUp: reg.backedUp };
      return this.heldAnswer(hold, now);
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
      const vars = getVars(this.env);
      // 1. The assertion signed this hold's statement, on an allowed origin, for this RP, with UP and UV.
      const assertion = checkAssertion(response, {
        challenge: hold.challenge,
        rpIdHash: await rpIdHash(vars.rpId),
        allowedOrigins: vars.allowedOrigins,
      });
      // 2. By an active credential of this user (never the held one), meeting the rule frozen into the hold.
      const approver = this.approver(response, assertion);
      checkRequirement(hold.rule.require, facts(approver));
      // 3. Its signature.
      await verifyAssertionSignature(assertion, await this.credentialKey(approver));

      // 4. Commit: consume, advance the approver's counter and activate, in one transaction. No await below.
      const enrolled: EnrolledCredential = { credentialId: hold.credentialId, aaguid: hold.aaguid, deviceBound: hold.deviceBound, backedUp: hold.backedUp };
      try {
        commitEnrollmentApproval(this.ctx.storage, {
          hash,
          now,
          heldId: hold.credentialId,
          approverId: approver.id,
          counter: assertion.authData.counter,
          backedUp: assertion.authData.flags.bs,
          accepted,
          result: JSON.stringify(enrolled),
        });
      } catch (err) {
        this.credentials.forget(approver.id);
        throw err;
      }
      return enrolled;
    });
  }

  async actionDetails(hash: string, now: number) {
    return this.outcome(async () => {
      const row = usableTicket(this.sql, hash, 'action', now);
      const data = JSON.parse(row.data) as ActionTicketData;
      // The person is about to approve: keep what the approval needs at hand.
      this.pending.remember(hash, pendingAction(ticketTimes(row), data));
      const options = await this.requestOptions(row.challenge, now);
      return { action: data.action, display: data.display as Display, actionHash: data.actionHash, statement: data.statement as Statement, options };
    });
  }

  /**
   * `accepted`: base64url SHA-256 of the request body as posted. It is kept
   * with the receipt, so the same body posted again (a retry of an answer
   * lost to a 503) gets 409 `ticket_used` carrying that receipt.
   */
  async verifyAction(hash: string, response: AuthenticationResponseJSON, now: number, accepted: string): Promise<Outcome<{ receipt: string }>> {
    return this.ceremony(hash, () => this.pendingTicket(hash, now, accepted), async (ticket) => {
      const vars = getVars(this.env);
      const assertion = checkAssertion(response, {
        challenge: ticket.challenge,
        rpIdHash: await rpIdHash(vars.rpId),
        allowedOrigins: vars.allowedOrigins,
        ...(ticket.rule.origins ? { ruleOrigins: new Set(ticket.rule.origins) } : {}),
      });
      const { authData } = assertion;
      const cred = this.approver(response, assertion);
      checkRequirement(ticket.rule.require, facts(cred));

      await verifyAssertionSignature(assertion, await this.credentialKey(cred));

      const iat = Math.floor(now / 1000);
      const claims: ReceiptClaims = {
        iss: ticket.statement.iss,
        sub: ticket.statement.sub,
        aud: ticket.statement.aud,
        iat,
        exp: iat + vars.receiptTtlSeconds,
        jti: randomId(16),
        act: ticket.actionHash,
        act_type: ticket.actionType,
        // The display commitment the passkey signed, so the claims rebuild its statement (absent on pre-v2 tickets).
        ...(ticket.statement.dsp === undefined ? {} : { dsp: ticket.statement.dsp }),
        nonce: ticket.statement.nonce,
        uv: true,
        cred: {
          id: cred.id,
          aaguid: cred.aaguid,
          device_bound: !cred.backup_eligible,
          backed_up: authData.flags.bs,
          enrolled_at: enrolledAt(cred),
          attested: !!cred.attested,
          ...(cred.authenticator_name ? { name: cred.authenticator_name } : {}),
        },
        pol: ticket.rule.id,
      };
      const receipt = await signReceipt(claims, (await getSigningKeys(this.env)).signer);

      // Commit: guarded writes re-check what may have changed during the awaits. No await below.
      // Whatever the commit finds, the ticket is no longer known pending.
      this.pending.forget(hash);
      try {
        commitApproval(this.sql, {
          hash, now, receipt, credentialId: cred.id, counter: authData.counter, backedUp: authData.flags.bs,
          ticketCreatedAt: ticket.createdAt, accepted,
        });
      } catch (err) {
        // The commit may have found the credential revoked, or locked it: read it afresh next time.
        this.credentials.forget(cred.id);
        throw err;
      }
      return { receipt };
    });
  }

  // ---- internals ----

  /**
   * The credential an assertion names, accepted only when it is enrolled for
   * this user, named consistently, active and as backup-eligible as it was at
   * enrollment. A held credential is not enrolled yet: it is unknown.
   */
  private approver(response: AuthenticationResponseJSON, assertion: CheckedAssertion): KnownCredential {
    const cred = response.id === response.rawId ? this.credentials.lookup(response.id, (id) => getCredential(this.sql, id)) : undefined;
    if (!cred || cred.state === 'pending') throw new PseaError('credential_unknown');
    const userHandle = response.response.userHandle;
    if (userHandle !== undefined && userHandle !== this.userHandle()) {
      throw new PseaError('credential_unknown', 'userHandle is not this user\'s');
    }
    if (cred.state !== 'active') throw new PseaError('credential_revoked');
    // BE is fixed for a credential's life: a change means another authenticator.
    if (assertion.authData.flags.be !== !!cred.backup_eligible) throw new PseaError('flags_invalid', 'BE differs from enrollment');
    return cred;
  }

  /** The `pending` and `approval` members of a held registration's answer; options for the credentials active now. */
  private async heldAnswer(hold: Hold, now: number): Promise<HeldEnrollment> {
    return {
      pending: { credentialId: hold.credentialId, aaguid: hold.aaguid, deviceBound: hold.deviceBound },
      approval: { action: hold.action, statement: hold.statement, display: hold.display, options: await this.requestOptions(hold.challenge, now) },
    };
  }

  /** Request options for a challenge: only this user's active credentials, UV required. */
  private requestOptions(challenge: string, now: number): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const active = allCredentials(this.sql, now).filter((c) => c.state === 'active');
    return authenticationOptions({ rpId: getVars(this.env).rpId, challenge, allow: active.map(descriptor) });
  }

  /** What every write drops first: tickets long past expiry, holds whose ticket can no longer be used. */
  private prune(now: number): void {
    pruneTickets(this.sql, now);
    dropLapsedHolds(this.sql, now);
  }

  /** Run a ceremony on a usable ticket; a failed check (422) counts against it, and the fifth drops what it held. */
  private ceremony<R, T>(hash: string, open: () => R, run: (ticket: R) => Promise<T>): Promise<Outcome<T>> {
    return this.outcome(async () => {
      const ticket = open();
      try {
        return await run(ticket);
      } catch (err) {
        if (err instanceof PseaError && CEREMONY_FAILURES.has(err.code)) {
          this.pending.forget(hash);
          recordFailure(this.sql, hash);
          dropBurnedHold(this.sql, hash);
        }
        throw err;
      }
    });
  }

  /** A usable action ticket: from memory when this object knows it pending, else from its row. */
  private pendingTicket(hash: string, now: number, replay: string): PendingAction {
    const known = this.pending.recall(hash, now);
    if (known) return known;
    const row = usableTicket(this.sql, hash, 'action', now, replay);
    return pendingAction(ticketTimes(row), JSON.parse(row.data) as ActionTicketData);
  }

  private async outcome<T>(run: () => Promise<T>): Promise<Outcome<T>> {
    try {
      return { ok: true, value: await run() };
    } catch (err) {
      if (err instanceof PseaError) {
        const { code, detail, extensions } = err;
        return { ok: false, problem: { code, ...(detail === undefined ? {} : { detail }), ...(extensions ? { extensions } : {}) } };
      }
      throw err;
    }
  }

  private insertTicket(hash: string, kind: TicketRow['kind'], challenge: string, expiresAt: number, data: unknown, now: number): void {
    this.sql.exec(
      `INSERT INTO tickets (hash, kind, state, challenge, expires_at, failures, data, receipt, created_at)
       VALUES (?, ?, 'pending', ?, ?, 0, ?, NULL, ?)`,
      hash, kind, challenge, expiresAt, JSON.stringify(data), now,
    );
  }

  private setUser(user: { id: string; name: string; displayName: string }): void {
    const put = (k: string, v: string) =>
      this.sql.exec('INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v', k, v);
    put('user_id', user.id);
    put('user_name', user.name);
    put('user_display_name', user.displayName);
    if (!this.meta('user_handle')) put('user_handle', randomId(32));
  }

  private meta(k: string): string | undefined {
    return this.sql.exec<{ v: string }>('SELECT v FROM meta WHERE k = ?', k).toArray()[0]?.v;
  }

  /** The WebAuthn user.id: random, so it reveals nothing about the RP's user id. Never changes once set. */
  private userHandle(): string {
    this.handle ??= this.meta('user_handle');
    if (!this.handle) throw new PseaError('not_enrolled');
    return this.handle;
  }

  private credentialKey(cred: KnownCredential): Promise<CredentialKey> {
    let key = this.keys.get(cred.id);
    if (!key) {
      key = importCosePublicKey(getPublicKey(this.sql, cred.id));
      // A failed import is not cached: the next attempt tries again.
      key.catch(() => this.keys.delete(cred.id));
      this.keys.set(cred.id, key);
    }
    return key;
  }
}
