import { ProblemError } from '../../errors';
import type { ReceiptCredential } from '../../../packages/psea/src/receipt/types';
import type { CredentialFacts } from '../../policy/types';
import type { CredentialDescriptor } from '../../webauthn/options';
import { LIVE } from './held-credentials';
import type { AttestationFacts } from '../../attestation/types';
import type { VerifiedRegistration } from '../../webauthn/verify-registration';
import type { CredentialJSON, CredentialRow } from '../types';

/** A credential without its public key: the vault keeps the imported key, so the blob is read only on a miss. */
export type CredentialMeta = Omit<CredentialRow, 'public_key'>;

export function getCredential(sql: SqlStorage, id: string): CredentialMeta | undefined {
  return sql
    .exec<CredentialMeta>(
      `SELECT id, alg, counter, aaguid, backup_eligible, backed_up, transports, fmt, attested, authenticator_name,
       state, created_at, last_used_at, approved_by, pending_ticket FROM credentials WHERE id = ?`,
      id,
    )
    .toArray()[0];
}

export function getPublicKey(sql: SqlStorage, id: string): Uint8Array<ArrayBuffer> {
  const row = sql
    .exec<{ public_key: ArrayBuffer }>('SELECT public_key FROM credentials WHERE id = ?', id)
    .toArray()[0];
  if (!row) throw new ProblemError('credential_unknown');
  return new Uint8Array(row.public_key);
}

/** Every credential that exists at `now`: a held one whose hold has lapsed does not (held-credentials.ts). */
export function allCredentials(sql: SqlStorage, now: number): CredentialRow[] {
  return sql
    .exec<CredentialRow>(`SELECT * FROM credentials WHERE ${LIVE} ORDER BY created_at, id`, now)
    .toArray();
}

export function hasActiveCredential(sql: SqlStorage): boolean {
  return sql.exec("SELECT 1 FROM credentials WHERE state = 'active' LIMIT 1").toArray().length > 0;
}

/**
 * Store a verified registration: active with who let it in, or `pending`,
 * held by the enrollment ticket with this hash.
 */
export function insertCredential(
  sql: SqlStorage,
  reg: VerifiedRegistration,
  attestation: Pick<AttestationFacts, 'attested' | 'name'>,
  admitted: { approvedBy: string } | { heldBy: string },
  now: number,
): void {
  const held = 'heldBy' in admitted;
  sql.exec(
    `INSERT INTO credentials (id, public_key, alg, counter, aaguid, backup_eligible, backed_up, transports, fmt,
       attested, authenticator_name, state, created_at, last_used_at, approved_by, pending_ticket)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
    reg.credentialId,
    reg.publicKey,
    reg.alg,
    reg.counter,
    reg.aaguid,
    reg.backupEligible ? 1 : 0,
    reg.backedUp ? 1 : 0,
    JSON.stringify(reg.transports),
    reg.fmt,
    attestation.attested ? 1 : 0,
    attestation.name,
    held ? 'pending' : 'active',
    now,
    held ? null : admitted.approvedBy,
    held ? admitted.heldBy : null,
  );
}

/**
 * Revoke a credential. A locked credential stays locked: that state is the
 * only sign it may have been cloned. A held one is revoked too: its ticket
 * can then no longer let it in.
 */
export function revokeCredential(sql: SqlStorage, id: string): void {
  sql.exec(
    "UPDATE credentials SET state = 'revoked', pending_ticket = NULL WHERE id = ? AND state IN ('active', 'pending')",
    id,
  );
}

export function descriptor(row: CredentialRow): CredentialDescriptor {
  return {
    id: row.id,
    transports: JSON.parse(row.transports) as CredentialDescriptor['transports'],
  };
}

export function facts(
  row: Pick<CredentialMeta, 'aaguid' | 'backup_eligible' | 'attested'>,
): CredentialFacts {
  return { aaguid: row.aaguid, deviceBound: !row.backup_eligible, attested: !!row.attested };
}

/** A credential's enrollment time in whole seconds: the receipt's `cred.enrolled_at`. */
const enrolledAt = (row: Pick<CredentialRow, 'created_at'>): number =>
  Math.floor(row.created_at / 1000);

export function credentialJSON(row: CredentialRow): CredentialJSON {
  return {
    id: row.id,
    aaguid: row.aaguid,
    deviceBound: !row.backup_eligible,
    backedUp: !!row.backed_up,
    createdAt: new Date(row.created_at).toISOString(),
    // Whole seconds, so it reads the same instant as a receipt's cred.enrolled_at.
    enrolledAt: new Date(enrolledAt(row) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    lastUsedAt: row.last_used_at === null ? null : new Date(row.last_used_at).toISOString(),
    state: row.state,
    approvedBy: row.approved_by,
    fmt: row.fmt,
    attested: !!row.attested,
    authenticatorName: row.authenticator_name,
  };
}

/** The receipt's `cred` claim: who approved, and whether the key was backed up as it signed (`backedUp`, the assertion's BS). */
export function receiptCredential(
  cred: Pick<
    CredentialMeta,
    'id' | 'aaguid' | 'backup_eligible' | 'attested' | 'authenticator_name' | 'created_at'
  >,
  backedUp: boolean,
): ReceiptCredential {
  return {
    id: cred.id,
    aaguid: cred.aaguid,
    device_bound: !cred.backup_eligible,
    backed_up: backedUp,
    enrolled_at: enrolledAt(cred),
    attested: !!cred.attested,
    ...(cred.authenticator_name ? { name: cred.authenticator_name } : {}),
  };
}

/** Record an accepted use: the new counter, this assertion's BS flag, and when. */
export function advanceCounter(
  sql: SqlStorage,
  id: string,
  counter: number,
  backedUp: boolean,
  now: number,
): void {
  sql.exec(
    'UPDATE credentials SET counter = ?, backed_up = ?, last_used_at = ? WHERE id = ?',
    counter,
    backedUp ? 1 : 0,
    now,
    id,
  );
}

/** The credential's state, or undefined when there is no such credential. */
export function credentialState(sql: SqlStorage, id: string): CredentialRow['state'] | undefined {
  return sql
    .exec<{ state: CredentialRow['state'] }>('SELECT state FROM credentials WHERE id = ?', id)
    .toArray()[0]?.state;
}

/** When the credential was last accepted, or enrolled if never used (ms); undefined when unknown. */
export function lastAcceptedUse(sql: SqlStorage, id: string): number | undefined {
  const row = sql
    .exec<{ created_at: number; last_used_at: number | null }>(
      'SELECT created_at, last_used_at FROM credentials WHERE id = ?',
      id,
    )
    .toArray()[0];
  return row ? (row.last_used_at ?? row.created_at) : undefined;
}

/** Stop trusting an active credential (a likely clone); a revoked one stays revoked. */
export function lockCredential(sql: SqlStorage, id: string): boolean {
  return (
    sql.exec("UPDATE credentials SET state = 'locked' WHERE id = ? AND state = 'active'", id)
      .rowsWritten === 1
  );
}

/**
 * What evidence needs of a credential's enrollment (migration 3): the
 * registration's clientDataJSON, authenticatorData and attestationObject as
 * received (JSON), and the index of its `enrolled` entry once it is active.
 * Null for a credential enrolled before: its evidence has `enrollment: null`.
 */
export function setEnrollment(sql: SqlStorage, id: string, enrollment: string): void {
  sql.exec('UPDATE credentials SET enrollment = ? WHERE id = ?', enrollment, id);
}

export function setEnrolledIndex(sql: SqlStorage, id: string, index: number): void {
  sql.exec('UPDATE credentials SET enrolled_index = ? WHERE id = ?', index, id);
}

/** The credential's evidence facts: its COSE key, enrollment JSON and enrolled entry's index. */
export function enrollmentOf(
  sql: SqlStorage,
  id: string,
):
  | {
      public_key: ArrayBuffer;
      aaguid: string;
      backup_eligible: number;
      enrollment: string | null;
      enrolled_index: number | null;
    }
  | undefined {
  return sql
    .exec<{
      public_key: ArrayBuffer;
      aaguid: string;
      backup_eligible: number;
      enrollment: string | null;
      enrolled_index: number | null;
    }>(
      'SELECT public_key, aaguid, backup_eligible, enrollment, enrolled_index FROM credentials WHERE id = ?',
      id,
    )
    .toArray()[0];
}
