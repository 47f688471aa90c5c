/**
 * The offline_grants table (docs/offline.md ("Offline approvals")): single-use
 * nonces the service made for one user, one audience and a list of types.
 * A grant is used exactly as a ticket is consumed: one guarded UPDATE, so of
 * any number of concurrent proofs on one grant one writes.
 */
import { ProblemError } from '../../errors';
import type { OfflineCredential } from '../../../packages/psea/src/offline/types';
import { encodeB64url } from '../../../packages/psea/src/internal/base64url';

export type GrantRow = {
  nonce: string;
  iss: string;
  aud: string;
  sub: string;
  /** JSON array of exact types or `prefix.*`. */
  types: string;
  state: 'pending' | 'used';
  expires_at: number;
  created_at: number;
  used_at: number | null;
  receipt: string | null;
  /** base64url SHA-256 of the accepted proof's JCS, for a retry of the same proof. */
  accepted: string | null;
};

export interface NewGrants {
  nonces: string[];
  iss: string;
  aud: string;
  sub: string;
  types: string[];
  expiresAt: number;
  now: number;
}

/** Grants are kept a day past expiry (a late proof then reads 410, not 404), then dropped. */
const GRANT_RETENTION_MS = 24 * 3600 * 1000;

export function insertGrants(sql: SqlStorage, g: NewGrants): void {
  sql.exec('DELETE FROM offline_grants WHERE expires_at < ?', g.now - GRANT_RETENTION_MS);
  const types = JSON.stringify(g.types);
  for (const nonce of g.nonces) {
    sql.exec(
      `INSERT INTO offline_grants (nonce, iss, aud, sub, types, state, expires_at, created_at)
       VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)`,
      nonce,
      g.iss,
      g.aud,
      g.sub,
      types,
      g.expiresAt,
      g.now,
    );
  }
}

/** The user's active credentials as a bundle lists them. */
export function bundleCredentials(sql: SqlStorage): OfflineCredential[] {
  return sql
    .exec<{ id: string; public_key: ArrayBuffer; alg: number; backup_eligible: number }>(
      "SELECT id, public_key, alg, backup_eligible FROM credentials WHERE state = 'active' ORDER BY created_at, id",
    )
    .toArray()
    .map((row) => ({
      id: row.id,
      publicKey: encodeB64url(new Uint8Array(row.public_key)),
      alg: row.alg,
      deviceBound: !row.backup_eligible,
    }));
}

/**
 * The grant, refused unless it can still be used: unknown → 404, used → 409
 * (carrying the receipt when `replay` is the accepted proof's hash: a retry
 * of an answer lost to a 503), past expiry → 410.
 */
export function usableGrant(
  sql: SqlStorage,
  nonce: string,
  now: number,
  replay?: string,
): GrantRow {
  const row = sql
    .exec<GrantRow>('SELECT * FROM offline_grants WHERE nonce = ?', nonce)
    .toArray()[0];
  if (!row) throw new ProblemError('ticket_not_found', 'no such offline grant for this user');
  if (row.state === 'used') {
    const same =
      replay !== undefined &&
      row.accepted !== null &&
      row.accepted === replay &&
      row.receipt !== null;
    throw new ProblemError(
      'ticket_used',
      'this offline grant was already used',
      same ? { receipt: row.receipt } : undefined,
    );
  }
  if (now >= row.expires_at)
    throw new ProblemError('ticket_expired', 'this offline grant has expired');
  return row;
}

export interface GrantUse {
  nonce: string;
  now: number;
  credentialId: string;
  receipt: string;
  accepted: string;
}

/**
 * Use the grant only if it is still pending and unexpired and the credential
 * still active: one statement, true when this call wrote. The counter is
 * neither compared nor advanced (docs/api.md: the grant is the replay guard).
 */
export function useGrantGuarded(sql: SqlStorage, u: GrantUse): boolean {
  return (
    sql.exec(
      `UPDATE offline_grants SET state = 'used', used_at = ?, receipt = ?, accepted = ?
       WHERE nonce = ? AND state = 'pending' AND expires_at > ?
         AND EXISTS (SELECT 1 FROM credentials WHERE id = ? AND state = 'active')`,
      u.now,
      u.receipt,
      u.accepted,
      u.nonce,
      u.now,
      u.credentialId,
    ).rowsWritten === 1
  );
}
