/**
 * The entries of a user's log (docs/evidence.md ("The log")). Each is hashed in its
 * JCS form, so the key order here means nothing; `at` is in seconds, `sub`
 * the user id. `key` = base64url(SHA-256(COSE public key)); `challenge` the
 * ticket's challenge.
 */
interface Common {
  v: 1;
  at: number;
  sub: string;
}

/**
 * What an `enrolled` entry's `approvedBy` names when no credential approved it: the roots a chain of
 * custody ends at (docs/evidence.md). No credential id reads as one (ids are at least 16 bytes).
 */
export const CUSTODY_ROOTS = ['first', 'recovery', 'open', 'migrated'] as const;
export type CustodyRoot = (typeof CUSTODY_ROOTS)[number];

/**
 * A passkey was enrolled; `approvedBy` is the approving credential's id or a root
 * ({@link CUSTODY_ROOTS}). Only an entry approved by a credential carries `approval`: the challenge
 * of the `psea.credential.add` statement that credential signed.
 */
export interface EnrolledEntry extends Common {
  kind: 'enrolled';
  cred: string;
  key: string;
  aaguid: string;
  attested: boolean;
  approvedBy: string;
  approval?: { challenge: string };
}

/** An action was approved and a receipt issued. */
export interface ApprovedEntry extends Common {
  kind: 'approved';
  cred: string;
  challenge: string;
  act: string;
  aud: string;
  jti: string;
  offline?: boolean;
  /** v3: an approver's approval for a quorum: the quorum's hash; `jti` is then the quorum receipt's. */
  qrm?: string;
}

/** A ticket's first failure (only its first). */
export interface FailedEntry extends Common {
  kind: 'failed';
  challenge: string;
  code: string;
}

/** A ticket was burned. */
export interface BurnedEntry extends Common {
  kind: 'burned';
  challenge: string;
}

/** A credential was revoked, or locked. */
export interface CredentialStateEntry extends Common {
  kind: 'revoked' | 'locked';
  cred: string;
}

export type LogEntry =
  EnrolledEntry | ApprovedEntry | FailedEntry | BurnedEntry | CredentialStateEntry;
