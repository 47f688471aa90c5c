import { WebAuthnError } from './errors.ts';
import { decodeB64url } from '../internal/base64url';

/** Decode a base64url field of a client response; malformed input is a 400 naming the field. */
export function b64urlField(value: string, field: string): Uint8Array<ArrayBuffer> {
  try {
    return decodeB64url(value);
  } catch {
    throw new WebAuthnError('invalid_request', `${field}: not base64url`);
  }
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

import { sha256 } from '../internal/sha256.ts';

export { sha256 };

const rpIdHashes = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();

/** SHA-256 of the RP ID, computed once per isolate. */
export function rpIdHash(rpId: string): Promise<Uint8Array<ArrayBuffer>> {
  let hash = rpIdHashes.get(rpId);
  if (!hash) {
    hash = sha256(rpId);
    rpIdHashes.set(rpId, hash);
  }
  return hash;
}
