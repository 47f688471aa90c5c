/** Options and bends of the software authenticator (see ../soft-authenticator.ts). */
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { Bytes, CborValue, CoseAlg, CoseKeyMap } from './crypto';
import type { SoftAuthenticator } from '../soft-authenticator';

export interface SoftAuthenticatorOptions {
  /** Credential algorithm. Default -7 (ES256). */
  alg?: CoseAlg;
  /** AAGUID as a UUID string. Default all-zero. */
  aaguid?: string;
  /** BE flag. Default false (device-bound). */
  backupEligible?: boolean;
  /** BS flag. Default false. */
  backedUp?: boolean;
  /** Signature counter at registration. Default 0. */
  initialCounter?: number;
  /** Added to the counter before each assertion. Default 1; 0 = an authenticator without a counter. */
  counterStep?: number;
  /** Credential id length in bytes (1–4096; WebAuthn allows at most 1023). Default 32. */
  credentialIdLength?: number;
  /** Preset user handle (base64url) for credentials stored directly, without `register()`. */
  userHandle?: string;
}

export type FlagBends = Partial<Record<'up' | 'uv' | 'be' | 'bs' | 'at' | 'ed', boolean>>;

/** Fields both ceremonies can bend. */
export interface CommonBend {
  /** clientDataJSON.origin. Default ctx.origin. */
  origin?: string;
  /** clientDataJSON.type. */
  type?: string;
  /** clientDataJSON.challenge, verbatim. Default options.challenge. */
  challenge?: string;
  /** clientDataJSON.crossOrigin. Default false. */
  crossOrigin?: boolean;
  /** clientDataJSON.topOrigin (absent by default). */
  topOrigin?: string;
  /** Compute rpIdHash from this instead of the options' RP ID. */
  rpId?: string;
  /** Exact 32 (or any number of) bytes to use as rpIdHash. */
  rpIdHash?: Uint8Array;
  /** Individual flag bits; only bits change, the data after the flags is not added or removed. */
  flags?: FlagBends;
  /** Authenticator extension outputs appended to authData; sets ED unless flags.ed says otherwise. */
  extensions?: Map<string, CborValue>;
  /** Edit the client data object, or return a string to use as the raw clientDataJSON text. */
  clientDataJSON?: (cd: Record<string, unknown>) => Record<string, unknown> | string;
  /** Last-chance bender for authenticator data, before anything signs it. */
  authenticatorData?: (authData: Bytes) => Uint8Array;
  /** Skip the checks a real authenticator/browser would make (offered algs, exclude/allow lists, RP ID). */
  skipAuthenticatorChecks?: boolean;
}

export interface RegistrationBend extends CommonBend {
  /** Default 'webauthn.create'. */
  type?: string;
  /** Attestation format. Default 'none'; 'packed' = self attestation signed with the credential key. */
  fmt?: 'none' | 'packed';
  /** Claim this alg in the COSE key (and packed attStmt) while keeping the real key material. */
  alg?: number;
  /** Counter in the registration authData. Default the authenticator's counter. */
  counter?: number;
  /**
   * Malformed COSE key. `true` / 'text-kty' = kty as text ("EC2", "OKP", "RSA"), like buggy
   * authenticators; 'text-alg' = alg as text; 'missing-x' = no -2 label.
   */
  badCoseKey?: boolean | 'text-kty' | 'text-alg' | 'missing-x';
  /** Arbitrary COSE key edit (runs after badCoseKey). */
  coseKey?: (key: CoseKeyMap) => CoseKeyMap;
  /** Packed attestation signature bend. */
  attestationSignature?: SignatureBend;
  /** Appended after the CBOR attestation object. */
  trailingBytes?: Uint8Array;
  /** Last-chance bender for the encoded attestation object (after trailingBytes). */
  attestationObject?: (bytes: Bytes) => Uint8Array;
  afterSign?: (resp: RegistrationResponseJSON) => RegistrationResponseJSON;
}

/**
 * 'flip': flip the lowest bit of the last byte (still well-formed DER for ECDSA);
 * 'zero': a well-formed signature of zeros (DER r=0,s=0 for ECDSA, all-zero bytes otherwise);
 * 'der-garbage': bytes that are not a DER signature; 'raw': ECDSA as raw r||s instead of DER;
 * 'empty': zero bytes; or the exact bytes.
 */
export type SignatureBend = 'flip' | 'zero' | 'der-garbage' | 'raw' | 'empty' | Uint8Array;

export interface AssertionBend extends CommonBend {
  /** Default 'webauthn.get'. */
  type?: string;
  /** Exact counter to put in authData; the internal counter is left unchanged. */
  counter?: number;
  signature?: SignatureBend;
  /** Sign with another authenticator's key (a forgery for this credential id). */
  signWith?: SoftAuthenticator;
  /** Claim another credential id (id and rawId). */
  credentialId?: string;
  /** null = omit; default = user.id from registration (or the preset). */
  userHandle?: string | null;
  afterSign?: (resp: AuthenticationResponseJSON) => AuthenticationResponseJSON;
}

export interface CeremonyContext<B> {
  /** The page origin the browser would report, e.g. 'http://localhost:8787'. */
  origin: string;
  bend?: B;
}
