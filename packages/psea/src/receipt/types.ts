import type { BatchSummary } from './batch.ts';

/** The exact thing a passkey signs: its JCS form's SHA-256 is the WebAuthn challenge. */
export interface Statement {
  v: 1;
  iss: string;
  aud: string;
  sub: string;
  /** actionHash: base64url SHA-256 of JCS(action). */
  act: string;
  /** v2: displayHash, base64url SHA-256 of JCS(display) as the service served it. */
  dsp?: string;
  /** base64url, at least 16 random bytes. */
  nonce: string;
  /** v3, an approver of a quorum only: the quorum's hash (docs/quorum.md). A single approval's statement never has it. */
  qrm?: string;
}

/**
 * v2 "Offline approvals": the statement a device builds and the passkey signs,
 * an online statement marked offline. Rebuilt from an offline receipt's claims.
 */
export interface OfflineStatement extends Statement {
  mode: 'offline';
  /** The device's clock when the person signed, in seconds: its claim, not a trusted time. */
  signed_at: number;
}

/** Assurance facts about the credential that approved. More members may be added. */
export interface ReceiptCredential {
  id: string;
  aaguid: string;
  device_bound: boolean;
  backed_up: boolean;
  /** v2: when the credential enrolled (NumericDate); absent on receipts made before. */
  enrolled_at?: number;
  [fact: string]: unknown;
}

/** Claims of a `psea-receipt+jwt` (docs/api.md ("Receipt")). */
export interface ReceiptClaims {
  iss: string;
  sub: string;
  aud: string;
  iat: number;
  exp: number;
  jti: string;
  act: string;
  act_type: string;
  /** v2: the statement's display commitment. */
  dsp?: string;
  nonce: string;
  uv: true;
  cred: ReceiptCredential;
  pol?: string;
  /**
   * v2: the approval was made offline, on a device, against a grant (docs/offline.md ("Offline approvals")).
   * The service writes only `true`; verifyReceipt refuses such a receipt unless `allowOffline: true`.
   */
  offline?: boolean;
  /** v2, offline only: the device's clock when the person signed, in seconds. The device's claim, not a trusted time. */
  signed_at?: number;
  /** v3, batches only: the signed action's `batch` member (docs/batches.md); `act_type` is the batch's type. */
  batch?: BatchSummary;
}

export type ReceiptAlg = 'ES256' | 'EdDSA';

/** A private signing key ready for jose, with the `kid` it is published under. */
export interface SigningKey {
  kid: string;
  alg: ReceiptAlg;
  key: CryptoKey;
}

/** A public JWK as published in the JWKS: no private member, ever. */
export interface PublicJWK {
  kty: string;
  kid: string;
  alg: ReceiptAlg;
  use: 'sig';
  crv?: string;
  x?: string;
  y?: string;
}

export interface PublicJWKSet {
  keys: PublicJWK[];
}

/** The first key signs; every key's public half is published. */
export interface SigningKeySet {
  signer: SigningKey;
  jwks: PublicJWKSet;
}
