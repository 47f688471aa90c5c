/**
 * What every ceremony of the user's vault shares: its state (tables, the
 * log, what it keeps in memory), the assertion check against its
 * credentials, the commit and failure plumbing, credential events and the
 * one alarm.
 *
 * A plain class, not the Durable Object: `UserVault` holds one in a
 * `#private` field and delegates to the ceremony modules, so nothing here is
 * reachable over RPC (TypeScript `protected` would not stop RPC). Tests and
 * the bench reach it through `vaultState` (state-seam.ts), never a cast.
 */
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { getVars } from '../config';
import type { Env } from '../env';
import { ProblemError } from '../errors';
import type { Requirement } from '../policy/types';
import { rpIdHash } from '../../packages/psea/src/webauthn/bytes';
import type { AssertionExpectation } from '../../packages/psea/src/webauthn/check-assertion';
import { ActiveCredentials } from './memory/active-credentials';
import { dropBurnedHold } from './storage/held-credentials';
import { KeyCache } from './memory/key-cache';
import { ceremony } from './outcome';
import { PendingActions } from './memory/pending-actions';
import { migrate } from './storage/schema';
import { credentialState, getCredential, getPublicKey } from './storage/credentials';
import { logFailure } from './commits/log-writes';
import { VaultLog } from './storage/vault-log';
import { getMeta } from './storage/meta';
import { recordFailure } from './storage/tickets';
import type { Outcome } from './types';
import { verifyAssertion } from './ceremonies/verify-assertion';
import { settleWaiters, type StatusAnswer } from './reads/action-status';
import { StatusWaiters } from './memory/status-waiters';
import type { CredentialEventType } from '../webhooks/events';
import { runWebhookAlarm } from './webhooks/webhook-alarm';
import { retryHandoffs } from './webhooks/quorum-handoff';
import { queueActionEvent, queueCredentialEvent, scheduleAlarm } from './webhooks/webhook-queue';
export class VaultState {
  readonly sql: SqlStorage;
  readonly keys = new KeyCache();
  /** Action tickets known to be pending, in memory: an approval then reads no ticket row. */
  readonly pending = new PendingActions();
  /** Active credentials read before, in memory: an approval then reads no credential row. */
  readonly credentials = new ActiveCredentials();
  /** Long polls of the status route, woken by the commit that ends their ticket. */
  readonly waiters = new StatusWaiters<StatusAnswer>();
  /** Webhook deliveries being tried right now (webhook-alarm.ts). */
  readonly inFlight = new Set<string>();
  #handle: string | undefined;
  /** The user's transparency log: every entry appended inside its state change's transaction. */
  readonly log: VaultLog;

  constructor(
    readonly ctx: DurableObjectState,
    readonly env: Env,
  ) {
    this.sql = ctx.storage.sql;
    migrate(ctx.storage);
    this.log = new VaultLog(this.sql);
  }

  /** {@link verifyAssertion} against this vault's credentials, for a challenge and a rule's requirement. */
  async verifyAssertion(
    response: AuthenticationResponseJSON,
    challenge: string,
    require: Requirement,
    extra: Pick<AssertionExpectation, 'ruleOrigins'> = {},
  ) {
    const { rpId, allowedOrigins } = getVars(this.env);
    return verifyAssertion(
      response,
      { challenge, rpIdHash: await rpIdHash(rpId), allowedOrigins, ...extra, require },
      {
        lookup: (id) => this.credentials.lookup(id, (i) => getCredential(this.sql, i)),
        userHandle: () => this.userHandle(),
        key: (cred) => this.keys.get(cred.id, (id) => getPublicKey(this.sql, id)),
      },
    );
  }

  /**
   * Run a commit; one that throws may have found the credential revoked, or locked it: read it
   * afresh next time. A lock is told (`hook`) in the same turn as the lock's write.
   */
  committing(credentialId: string, commit: () => void, hook?: string): void {
    try {
      commit();
    } catch (err) {
      this.credentials.forget(credentialId);
      if (
        err instanceof ProblemError &&
        err.code === 'counter_regression' &&
        credentialState(this.sql, credentialId) === 'locked'
      ) {
        this.credentialChanged(hook, 'credential.locked', credentialId, Date.now());
      }
      throw err;
    }
  }

  /** Queue a credential event to CREDENTIAL_WEBHOOK_URL (`hook`, when set), in the turn of the change. */
  credentialChanged(
    hook: string | undefined,
    type: CredentialEventType,
    credentialId: string,
    now: number,
    approvedBy?: string,
  ): void {
    if (!hook) return;
    queueCredentialEvent(this.sql, hook, {
      type,
      credentialId,
      approvedBy,
      now,
      logSize: this.log.size(),
    });
    scheduleAlarm(this.ctx.storage);
  }

  /** The one alarm: quorum hand-offs owed (quorum-handoff.ts), webhooks due, expiries to tell (webhook-alarm.ts). */
  async alarm(): Promise<void> {
    await retryHandoffs(this.ctx.storage, this.env);
    await runWebhookAlarm(this.ctx.storage, this.env, this.log, this.inFlight, (hash) =>
      settleWaiters(this.sql, this.waiters, hash, Date.now()),
    );
  }

  /**
   * Run a ceremony on a usable ticket; a failed check (422) counts against it, and the fifth
   * drops what it held. Its first failure and its burning are logged with the count; a burn
   * queues its webhook in the same transaction.
   */
  ceremony<R extends { challenge: string }, T>(
    hash: string,
    open: () => R,
    run: (ticket: R) => Promise<T>,
  ): Promise<Outcome<T>> {
    return ceremony(open, run, (ticket, code) => {
      this.pending.forget(hash);
      const now = Date.now();
      let told = false;
      this.ctx.storage.transactionSync(() => {
        const counted = recordFailure(this.sql, hash);
        if (counted) logFailure(this.log, this.sql, now, ticket.challenge, code, counted);
        dropBurnedHold(this.sql, hash);
        if (counted?.state === 'burned')
          told = queueActionEvent(this.sql, hash, 'action.burned', now, this.log.size());
      });
      if (told) scheduleAlarm(this.ctx.storage);
      this.settled(hash, now);
    });
  }

  /** An action ticket's state may have changed: wake its long polls (v2 agents). */
  settled(hash: string, now: number): void {
    settleWaiters(this.sql, this.waiters, hash, now);
  }

  /** The WebAuthn user.id: random, so it reveals nothing about the RP's user id. Never changes once set. */
  userHandle(): string {
    this.#handle ??= getMeta(this.sql, 'user_handle');
    if (!this.#handle) throw new ProblemError('not_enrolled');
    return this.#handle;
  }
}
