/**
 * One Durable Object per user (`idFromName(userId)`): credentials, counters,
 * tickets and receipt redemptions. Ceremonies run as: synchronous checks →
 * awaited crypto → synchronous re-check and commit. Nothing awaits between
 * the re-check and the writes, so of any number of concurrent submissions
 * for one ticket exactly one commits; the others see it consumed.
 */
import { DurableObject } from 'cloudflare:workers';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { getPolicy, getSigningKeys, getTrust, getVars } from '../config';
import type { Env } from '../env';
import { checkEnrollment } from '../attestation/check-enrollment';
import { CEREMONY_FAILURES, PseaError } from '../errors';
import { callObject } from '../http/vault-call';
import { checkRequirement } from '../policy/check-credential';
import { randomId } from '../receipt/random-id';
import { DEFAULT_CLOCK_TOLERANCE_SECONDS } from '../receipt/verify-options';
import { signReceipt } from '../receipt/sign-receipt';
import type { ReceiptClaims, Statement } from '../receipt/types';
import { rpIdHash } from '../webauthn/bytes';
import { checkAssertion } from '../webauthn/check-assertion';
import { importCosePublicKey, type CredentialKey } from '../webauthn/cose-key';
import { authenticationOptions, registrationOptions } from '../webauthn/options';
import { verifyAssertionSignature } from '../webauthn/verify-assertion';
import { allCredentials, credentialJSON, descriptor, facts, getCredential, getPublicKey, hasActiveCredential } from './credentials';
import { ActiveCredentials, type KnownCredential } from './active-credentials';
import { commitApproval } from './commit-approval';
import { pendingAction, PendingActions, type PendingAction } from './pending-actions';
import { migrate } from './schema';
import { actionState, loadTicket, pruneTickets, recheckTicket, recordFailure, usableTicket, type ActionState } from './tickets';
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
      this.ctx.storage.transactionSync(() => {
        this.setUser(input.user);
        pruneTickets(this.sql, input.now);
        this.insertTicket(input.hash, 'enroll', randomId(32), expiresAt, { user: input.user } satisfies EnrollTicketData, input.now);
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
        pruneTickets(this.sql, input.now);
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

  /** Whether a ticket of this kind can still be used; reads only. */
  async ticketUsable(hash: string, kind: TicketRow['kind'], now: number): Promise<Outcome<null>> {
    return this.outcome(async () => {
      usableTicket(this.sql, hash, kind, now);
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

  async listCredentials(): Promise<Outcome<CredentialJSON[]>> {
    return this.outcome(async () => allCredentials(this.sql).map(credentialJSON));
  }

  async revokeCredential(id: string): Promise<Outcome<null>> {
    return this.outcome(async () => {
      // A locked credential stays locked: that state is the only sign it may have been cloned.
      this.sql.exec("UPDATE credentials SET state = 'revoked' WHERE id = ? AND state = 'active'", id);
      this.credentials.forget(id);
      if (!getCredential(this.sql, id)) throw new PseaError('not_found', 'no such credential for this user');
      return null;
    });
  }

  // ---- browser side (the ticket is the authorisation) ----

  async enrollmentOptions(hash: string, now: number) {
    return this.outcome(async () => {
      const row = usableTicket(this.sql, hash, 'enroll', now);
      const { rpId, rpName } = getVars(this.env);
      const { user } = JSON.parse(row.data) as EnrollTicketData;
      const options = await registrationOptions({
        rpId,
        rpName,
        user: { handle: this.userHandle(), name: user.name, displayName: user.displayName },
        challenge: row.challenge,
        exclude: allCredentials(this.sql).map(descriptor),
        attestation: getPolicy(this.env).attestation,
      });
      return { user: { name: user.name, displayName: user.displayName }, options };
    });
  }

  async enroll(hash: string, response: RegistrationResponseJSON, now: number): Promise<Outcome<EnrolledCredential>> {
    return this.ceremony(hash, () => usableTicket(this.sql, hash, 'enroll', now), async (row) => {
      const vars = getVars(this.env);
      // WebAuthn checks, attestation (chain, metadata, revocation), then the policy.
      const { reg, attestation, deviceBound } = await checkEnrollment(
        response,
        { challenge: row.challenge, rpId: vars.rpId, rpIdHash: await rpIdHash(vars.rpId), allowedOrigins: vars.allowedOrigins },
        getPolicy(this.env),
        getTrust(this.env),
      );
      // One credential id, one user, across every vault (WebAuthn §7.1). The claim is an await,
      // so it comes before the re-check; a claim whose commit then fails stays this user's.
      const owners = this.env.CREDENTIAL_OWNERS;
      const { user } = JSON.parse(row.data) as EnrollTicketData;
      const owner = () => owners.get(owners.idFromName(reg.credentialId));
      // A runtime failure of the claim is 503 unavailable (not a failed attempt): the ticket stays usable.
      if (!(await callObject('claim', false, owner(), owner, (o) => o.claim(user.id)))) {
        throw new PseaError('attestation_rejected', 'credential id already enrolled for another user');
      }

      // Re-check after the awaits, then write: nothing awaits from here on.
      recheckTicket(this.sql, hash, now);
      if (getCredential(this.sql, reg.credentialId)) throw new PseaError('attestation_rejected', 'credential already enrolled');
      this.ctx.storage.transactionSync(() => {
        this.sql.exec(
          `INSERT INTO credentials (id, public_key, alg, counter, aaguid, backup_eligible, backed_up, transports, fmt,
             attested, authenticator_name, state, created_at, last_used_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, NULL)`,
          reg.credentialId, reg.publicKey, reg.alg, reg.counter, reg.aaguid, reg.backupEligible ? 1 : 0,
          reg.backedUp ? 1 : 0, JSON.stringify(reg.transports), reg.fmt, attestation.attested ? 1 : 0,
          attestation.name, now,
        );
        this.sql.exec("UPDATE tickets SET state = 'consumed' WHERE hash = ?", hash);
      });
      return { credentialId: reg.credentialId, aaguid: reg.aaguid, deviceBound, backedUp: reg.backedUp };
    });
  }

  async actionDetails(hash: string, now: number) {
    return this.outcome(async () => {
      const row = usableTicket(this.sql, hash, 'action', now);
      const data = JSON.parse(row.data) as ActionTicketData;
      // The person is about to approve: keep what the approval needs at hand.
      this.pending.remember(hash, pendingAction(ticketTimes(row), data));
      const active = allCredentials(this.sql).filter((c) => c.state === 'active');
      const options = await authenticationOptions({ rpId: getVars(this.env).rpId, challenge: row.challenge, allow: active.map(descriptor) });
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
      });
      const { authData } = assertion;

      // Accept only a credential enrolled for this user, named consistently.
      const cred = response.id === response.rawId ? this.credentials.lookup(response.id, (id) => getCredential(this.sql, id)) : undefined;
      if (!cred) throw new PseaError('credential_unknown');
      const userHandle = response.response.userHandle;
      if (userHandle !== undefined && userHandle !== this.userHandle()) {
        throw new PseaError('credential_unknown', 'userHandle is not this user\'s');
      }
      if (cred.state !== 'active') throw new PseaError('credential_revoked');
      // BE is fixed for a credential's life: a change means another authenticator.
      if (authData.flags.be !== !!cred.backup_eligible) throw new PseaError('flags_invalid', 'BE differs from enrollment');
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
        nonce: ticket.statement.nonce,
        uv: true,
        cred: {
          id: cred.id,
          aaguid: cred.aaguid,
          device_bound: !cred.backup_eligible,
          backed_up: authData.flags.bs,
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

  /** Run a ceremony on a usable ticket; a failed check (422) counts against it. */
  private ceremony<R, T>(hash: string, open: () => R, run: (ticket: R) => Promise<T>): Promise<Outcome<T>> {
    return this.outcome(async () => {
      const ticket = open();
      try {
        return await run(ticket);
      } catch (err) {
        if (err instanceof PseaError && CEREMONY_FAILURES.has(err.code)) {
          this.pending.forget(hash);
          recordFailure(this.sql, hash);
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
