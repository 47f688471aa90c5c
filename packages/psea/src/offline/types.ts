/**
 * The offline wire shapes of docs/offline.md ("Offline approvals"): the bundle a
 * device carries (a `psea-offline+jwt`), the statement it builds and the
 * proof it hands over.
 */
import type { OfflineStatement } from '../receipt/types.ts';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';

/** One of the user's active credentials, as the bundle lists it. */
export interface OfflineCredential {
  /** base64url credential id (the assertion's `rawId`). */
  id: string;
  /** base64url COSE_Key: the public key the assertion is verified with. */
  publicKey: string;
  /** COSE algorithm: -7 (ES256), -8 (EdDSA) or -257 (RS256). */
  alg: number;
  /** BE was clear at enrollment: the key cannot leave its authenticator. */
  deviceBound: boolean;
}

/** Claims of a `psea-offline+jwt`, signed by the service's receipt key. */
export interface OfflineBundleClaims {
  /** The service's issuer: the statement's `iss`. */
  iss: string;
  /** The user the grants are for. */
  sub: string;
  /** The one party that may act on the grants. */
  aud: string;
  /** NumericDate after which no grant of the bundle can be used. */
  exp: number;
  iat?: number;
  /** Where the passkey ceremony runs: the RP ID and the origins accepted in clientDataJSON. */
  rp: { id: string; origins: string[] };
  /** The grant nonces, each usable once. */
  grants: string[];
  /** The action types the grants cover: exact types or `prefix.*`. */
  types: string[];
  /** The user's active credentials when the bundle was made. */
  creds: OfflineCredential[];
}

/**
 * The statement a device builds and the passkey signs (its JCS's SHA-256 is the challenge):
 * an online statement (`act` = hashAction(action), `dsp` when the proof carries a display,
 * `nonce` one of the bundle's grants) marked offline. One definition, shared with
 * psea/receipt, whose statementFromClaims rebuilds it from an offline receipt.
 */
export type { OfflineStatement } from '../receipt/types.ts';

/** What a device hands over after an offline approval. */
export interface OfflineProof {
  action: Record<string, unknown> & { type: string };
  display?: unknown;
  statement: OfflineStatement;
  assertion: AuthenticationResponseJSON;
}

/**
 * The caller's record of nonces already accepted; a `Set<string>` is one, and
 * so is a wrapper over IndexedDB or SQLite. Shared by several processes, it
 * must be atomic: `add` should throw for a nonce that is already there, as a
 * unique key does (its error reaches the caller unchanged).
 */
export interface SeenNonces {
  has(nonce: string): boolean | Promise<boolean>;
  /** Record the nonce; a returned promise is awaited. Typed `unknown` so that `Set.prototype.add` (which returns the set) fits. */
  add(nonce: string): unknown;
}

/** What a verified proof establishes. */
export interface VerifiedOfflineProof {
  statement: OfflineStatement;
  /** The bundle's entry for the credential that signed. */
  credential: OfflineCredential;
  /** The statement's `signed_at`: when the device says the person signed. */
  signedAt: number;
}
