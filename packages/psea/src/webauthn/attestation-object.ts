import { decodePartialCBOR } from '@levischuck/tiny-cbor';
import { WebAuthnError } from './errors.ts';
import { b64urlField } from './bytes';

export interface AttestationObject {
  fmt: string;
  authData: Uint8Array<ArrayBuffer>;
  attStmt: Map<string, unknown>;
}

/**
 * Decode the attestation object, refusing bytes after the CBOR map: the
 * library reads the first item and ignores the rest, so anything could ride along.
 */
export function decodeAttestationObject(b64url: string): AttestationObject {
  const bytes = b64urlField(b64url, 'response.attestationObject');
  let value: unknown;
  let length: number;
  try {
    [value, length] = decodePartialCBOR(new Uint8Array(bytes), 0) as [unknown, number];
  } catch {
    throw new WebAuthnError('attestation_rejected', 'attestationObject is not CBOR');
  }
  if (length !== bytes.length)
    throw new WebAuthnError('attestation_rejected', 'bytes after the attestation object');
  if (!(value instanceof Map))
    throw new WebAuthnError('attestation_rejected', 'attestationObject is not a map');
  const fmt = value.get('fmt');
  const authData = value.get('authData');
  const attStmt = value.get('attStmt');
  if (typeof fmt !== 'string' || !(authData instanceof Uint8Array) || !(attStmt instanceof Map)) {
    throw new WebAuthnError(
      'attestation_rejected',
      'attestationObject lacks fmt, authData or attStmt',
    );
  }
  return { fmt, authData: authData as Uint8Array<ArrayBuffer>, attStmt };
}
