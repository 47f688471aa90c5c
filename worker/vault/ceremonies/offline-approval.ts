/**
 * Offline grants and proofs in the user's vault (docs/api.md "Offline
 * approvals"). A grant is used the way a ticket is consumed: checks, then the
 * awaited crypto (the assertion, the receipt's signature), then one guarded
 * UPDATE in the same synchronous turn as the final re-check, so of any number
 * of concurrent submissions of one proof exactly one gets a receipt.
 *
 * Unlike a ticket, a grant counts no failures. The nonce is in the bundle,
 * which sits on the person's device and on field devices; if five bad posts
 * burned it, anyone holding the bundle could destroy a queued approval
 * before it was synced. A failed proof leaves the grant as it was (docs/api.md), and
 * no number of tries forges a passkey's signature.
 */
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { ProblemError } from '../../errors';
import { grantCoversType } from '../../../packages/psea/src/offline/grant-types';
import type { OfflineCredential, OfflineStatement } from '../../../packages/psea/src/offline/types';
import type { AppliedRule } from '../../policy/types';
import { buildReceiptClaims } from '../../receipts/build-receipt-claims';
import type { ReceiptClaims, ReceiptCredential } from '../../../packages/psea/src/receipt/types';
import type { ApprovedEntry } from '../../../packages/psea/src/log/log-entry';
import { credentialState } from '../storage/credentials';
import { entryTime, type VaultLog } from '../storage/vault-log';
import {
  bundleCredentials,
  insertGrants,
  usableGrant,
  useGrantGuarded,
  type GrantRow,
  type NewGrants,
} from '../storage/offline-grants';

/** What the Worker hands the vault for a proof: the statement as signed, and the hashes it computed of the action and display. */
export interface OfflineSubmission {
  statement: OfflineStatement;
  assertion: AuthenticationResponseJSON;
  actionHash: string;
  actionType: string;
  /** hashDisplay(proof.display), absent when the proof has no display. */
  displayHash?: string;
  /** The rule chosen for the action, now (the action is only known now). */
  rule: AppliedRule;
  now: number;
  /** base64url SHA-256 of the proof's JCS: a retry of the same proof is told its receipt. */
  accepted: string;
}

/** Store the grants, once the user has an active credential to list; none → 409 not_enrolled, nothing written. */
export function issueGrants(sql: SqlStorage, input: NewGrants): { creds: OfflineCredential[] } {
  const creds = bundleCredentials(sql);
  if (creds.length === 0)
    throw new ProblemError('not_enrolled', 'the user has no active credential to list in a bundle');
  insertGrants(sql, input);
  return { creds };
}

const mismatch = (why: string) => new ProblemError('challenge_mismatch', why);

/**
 * The grant this proof may use, and the statement against it, before any
 * crypto: whose grant and where (`iss`, `aud`, `sub`), in offline mode, for
 * the proof's action and display (`act`, `dsp`), then whether the grant's
 * types and the rule allow it.
 */
export function openGrant(sql: SqlStorage, s: OfflineSubmission): GrantRow {
  const { statement } = s;
  const grant = usableGrant(sql, statement.nonce, s.now, s.accepted);
  if (statement.iss !== grant.iss) throw mismatch("statement iss is not the grant's");
  if (statement.aud !== grant.aud) throw mismatch("statement aud is not the grant's");
  if (statement.sub !== grant.sub) throw mismatch("statement sub is not the grant's");
  if (statement.mode !== 'offline') throw mismatch('statement mode is not "offline"');
  if (statement.act !== s.actionHash)
    throw mismatch("statement act is not the hash of the proof's action");
  if (statement.dsp !== s.displayHash) {
    throw mismatch(
      s.displayHash === undefined
        ? 'statement has a dsp but the proof no display'
        : "statement dsp is not the hash of the proof's display",
    );
  }
  if (!grantCoversType(JSON.parse(grant.types) as string[], s.actionType)) {
    throw new ProblemError('policy_unmet', "the action type is not among the grant's types");
  }
  if (!s.rule.offline)
    throw new ProblemError(
      'policy_unmet',
      `the policy rule "${s.rule.id}" does not allow offline approvals`,
    );
  return grant;
}

/** The receipt's claims: an online receipt's, plus `offline: true` and the device's `signed_at`, so they rebuild the offline statement. */
export function offlineReceiptClaims(
  s: OfflineSubmission,
  credential: ReceiptCredential,
  ttlSeconds: number,
): ReceiptClaims {
  const claims = buildReceiptClaims({
    statement: s.statement,
    actionHash: s.actionHash,
    actionType: s.actionType,
    ruleId: s.rule.id,
    credential,
    now: s.now,
    ttlSeconds,
  });
  return { ...claims, offline: true, signed_at: s.statement.signed_at };
}

export interface OfflineCommit {
  credentialId: string;
  receipt: string;
  /** The `approved` entry (`offline: true`) that records it. */
  entry: ApprovedEntry;
}

/** The `approved` entry of an offline approval: as an online one's, `challenge` the offline statement's, and `offline: true`. */
export function offlineEntry(
  claims: ReceiptClaims,
  credentialId: string,
  challenge: string,
  now: number,
): ApprovedEntry {
  return {
    v: 1,
    kind: 'approved',
    at: entryTime(now),
    sub: claims.sub,
    cred: credentialId,
    challenge,
    act: claims.act,
    aud: claims.aud,
    jti: claims.jti,
    offline: true,
  };
}

/**
 * Use the grant and log it, or say why not. No await may come between the
 * caller's checks and here. A lost race is `ticket_used` (with the receipt for the
 * same proof), a grant that expired meanwhile 410, a credential revoked
 * during the awaits `credential_revoked`.
 */
export function commitOfflineApproval(
  storage: DurableObjectStorage,
  log: VaultLog,
  s: OfflineSubmission,
  c: OfflineCommit,
): void {
  const sql = storage.sql;
  const use = {
    nonce: s.statement.nonce,
    now: s.now,
    credentialId: c.credentialId,
    receipt: c.receipt,
    accepted: s.accepted,
  };
  // The grant's use and its `approved` entry in one transaction: an approval that cannot be logged is not granted.
  const committed = storage.transactionSync(() => {
    if (!useGrantGuarded(sql, use)) return false;
    log.append(c.entry);
    return true;
  });
  if (committed) return;
  const credentialId = c.credentialId;
  usableGrant(sql, use.nonce, s.now, s.accepted);
  if (credentialState(sql, credentialId) !== 'active') throw new ProblemError('credential_revoked');
  throw new ProblemError('ticket_used', 'this offline grant was already used');
}
