import { PseaError } from '../errors';
import type { CredentialFacts } from '../policy/types';
import type { CredentialDescriptor } from '../webauthn/options';
import type { CredentialJSON, CredentialRow } from './types';

/** A credential without its public key: the vault keeps the imported key, so the blob is read only on a miss. */
export type CredentialMeta = Omit<CredentialRow, 'public_key'>;

export function getCredential(sql: SqlStorage, id: string): CredentialMeta | undefined {
  return sql.exec<CredentialMeta>(
    `SELECT id, alg, counter, aaguid, backup_eligible, backed_up, transports, fmt, attested, authenticator_name,
       state, created_at, last_used_at FROM credentials WHERE id = ?`,
    id,
  ).toArray()[0];
}

export function getPublicKey(sql: SqlStorage, id: string): Uint8Array<ArrayBuffer> {
  const row = sql.exec<{ public_key: ArrayBuffer }>('SELECT public_key FROM credentials WHERE id = ?', id).toArray()[0];
  if (!row) throw new PseaError('credential_unknown');
  return new Uint8Array(row.public_key);
}

export function allCredentials(sql: SqlStorage): CredentialRow[] {
  return sql.exec<CredentialRow>('SELECT * FROM credentials ORDER BY created_at, id').toArray();
}

export function hasActiveCredential(sql: SqlStorage): boolean {
  return sql.exec("SELECT 1 FROM credentials WHERE state = 'active' LIMIT 1").toArray().length > 0;
}

export function descriptor(row: CredentialRow): CredentialDescriptor {
  return { id: row.id, transports: JSON.parse(row.transports) as CredentialDescriptor['transports'] };
}

export function facts(row: Pick<CredentialMeta, 'aaguid' | 'backup_eligible' | 'attested'>): CredentialFacts {
  return { aaguid: row.aaguid, deviceBound: !row.backup_eligible, attested: !!row.attested };
}

export function credentialJSON(row: CredentialRow): CredentialJSON {
  return {
    id: row.id,
    aaguid: row.aaguid,
    deviceBound: !row.backup_eligible,
    backedUp: !!row.backed_up,
    createdAt: new Date(row.created_at).toISOString(),
    lastUsedAt: row.last_used_at === null ? null : new Date(row.last_used_at).toISOString(),
    state: row.state,
    fmt: row.fmt,
    attested: !!row.attested,
    authenticatorName: row.authenticator_name,
  };
}
