/**
 * The certificate chain an attestation statement carries, leaf first, as
 * DER: `x5c` for most formats, the JWS header's `x5c` for SafetyNet. Called
 * only on statements the library has verified, but still defensive: a
 * malformed value yields no chain, which can never count as attested.
 */
import { isoBase64URL } from '@simplewebauthn/server/helpers';

function safetyNetChain(response: unknown): Uint8Array<ArrayBuffer>[] {
  if (!(response instanceof Uint8Array)) return [];
  const jws = new TextDecoder().decode(response);
  const header = JSON.parse(isoBase64URL.toUTF8String(jws.split('.')[0] ?? '')) as {
    x5c?: unknown;
  };
  if (!Array.isArray(header.x5c) || !header.x5c.every((c) => typeof c === 'string')) return [];
  return (header.x5c as string[]).map((c) => isoBase64URL.toBuffer(c, 'base64'));
}

/**
 * The attestation certificates of a statement, leaf first.
 * @example attestationChain('packed', attStmt) // → [leafDer, ...intermediates]
 */
export function attestationChain(
  fmt: string,
  attStmt: ReadonlyMap<string, unknown>,
): Uint8Array<ArrayBuffer>[] {
  try {
    if (fmt === 'android-safetynet') return safetyNetChain(attStmt.get('response'));
    const x5c = attStmt.get('x5c');
    if (!Array.isArray(x5c) || !x5c.every((c) => c instanceof Uint8Array)) return [];
    return x5c as Uint8Array<ArrayBuffer>[];
  } catch {
    return [];
  }
}
