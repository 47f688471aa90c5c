/**
 * Imported keys, once each: a verifier checks bundle after bundle of the
 * same few credentials, and a WebCrypto import costs about as much as a
 * verify's parsing. Keyed by the key's own bytes (base64url), so a bundle
 * can only find the key it names.
 */
import { boundedMemo } from '../internal/bounded-memo.ts';
import { decodeB64url } from '../internal/base64url.ts';
import { importCosePublicKey, type CredentialKey } from '../webauthn/cose-key.ts';

export const coseKey: (publicKey: string) => Promise<CredentialKey> = boundedMemo(256, (b64) =>
  importCosePublicKey(decodeB64url(b64)),
);
