/**
 * The vault's log entries (docs/evidence.md ("The log")), each appended by the same
 * synchronous code, inside the same `transactionSync`, as the state change it
 * records. `sub` is the vault's user (its meta `user_id`, set by the first
 * enrollment ticket, and the name the vault is addressed by).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { encodeB64url } from '../../../packages/psea/src/internal/base64url';
import {
  lockCredential,
  credentialState,
  revokeCredential,
  setEnrolledIndex,
} from '../storage/credentials';
import { getMeta } from '../storage/meta';
import { entryTime, type VaultLog } from '../storage/vault-log';

/** The user this vault is for. */
export function vaultUser(sql: SqlStorage): string {
  return getMeta(sql, 'user_id') ?? '';
}

/** base64url(SHA-256(COSE public key)): an entry's `key`, synchronously (no await inside a transaction). */
export const keyOf = (publicKey: Uint8Array): string => encodeB64url(sha256(publicKey));

export interface Enrolled {
  now: number;
  credentialId: string;
  /** base64url(SHA-256(COSE public key)). */
  key: string;
  aaguid: string;
  attested: boolean;
  /** 'first', 'recovery', 'open', 'migrated', or the approving credential's id. */
  approvedBy: string;
  /** With an approving credential: the challenge of the statement it signed. */
  approval?: { challenge: string };
}

/** A credential became active: its `enrolled` entry, whose index the credential keeps for its evidence. */
export function logEnrolled(log: VaultLog, sql: SqlStorage, e: Enrolled): number {
  const index = log.append({
    v: 1,
    kind: 'enrolled',
    at: entryTime(e.now),
    sub: vaultUser(sql),
    cred: e.credentialId,
    key: e.key,
    aaguid: e.aaguid,
    attested: e.attested,
    approvedBy: e.approvedBy,
    ...(e.approval ? { approval: { challenge: e.approval.challenge } } : {}),
  });
  setEnrolledIndex(sql, e.credentialId, index);
  return index;
}

/** A ticket's failed check: `failed` on its first only, `burned` when it burns. */
export function logFailure(
  log: VaultLog,
  sql: SqlStorage,
  now: number,
  challenge: string,
  code: string,
  counted: { failures: number; state: string },
): void {
  const common = { v: 1 as const, at: entryTime(now), sub: vaultUser(sql), challenge };
  if (counted.failures === 1) log.append({ ...common, kind: 'failed', code });
  if (counted.state === 'burned') log.append({ ...common, kind: 'burned' });
}

/** Lock a credential (the counter rule) and log it, in one transaction; nothing is logged if it was not active. */
export function lockLogged(
  storage: DurableObjectStorage,
  log: VaultLog,
  credentialId: string,
  now: number,
): void {
  storage.transactionSync(() => {
    if (lockCredential(storage.sql, credentialId))
      log.append({
        v: 1,
        kind: 'locked',
        at: entryTime(now),
        sub: vaultUser(storage.sql),
        cred: credentialId,
      });
  });
}

/**
 * Revoke a credential and log it, in one transaction. Only an enrolled
 * (active) credential's revocation is logged: a held one was never in the log.
 */
export function revokeLogged(
  storage: DurableObjectStorage,
  log: VaultLog,
  credentialId: string,
  now: number,
): void {
  storage.transactionSync(() => {
    const was = credentialState(storage.sql, credentialId);
    revokeCredential(storage.sql, credentialId);
    if (was === 'active')
      log.append({
        v: 1,
        kind: 'revoked',
        at: entryTime(now),
        sub: vaultUser(storage.sql),
        cred: credentialId,
      });
  });
}
