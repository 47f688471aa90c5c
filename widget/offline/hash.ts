/**
 * The hashes a device needs to build an offline statement, in the browser
 * with WebCrypto: the same bytes as packages/psea/src/receipt's hashAction and
 * hashDisplay (test/node/widget-offline-hash.test.ts holds them equal).
 * JCS (RFC 8785) is short for values that are already plain JSON, which is
 * what `plainJson` makes of the host's objects: what goes on the wire.
 */
import { bufferToBase64URLString } from '@simplewebauthn/browser';

/** A lone surrogate: no JCS form, so the service could not hash it. */
const LONE = /\p{Cs}/u;

/**
 * The value as JSON carries it (no undefined members, `toJSON` applied): the
 * proof is posted as JSON, so this is what the service hashes.
 */
export const plainJson = <T>(value: T): T => JSON.parse(JSON.stringify(value) ?? 'null') as T;

/** RFC 8785 of a plain JSON value: members sorted by UTF-16 code units, ES number and string forms (JSON.stringify's); throws for a lone surrogate, as canonicalize does. */
export const jcs = (v: unknown): string =>
  Array.isArray(v)
    ? `[${v.map(jcs).join(',')}]`
    : v !== null && typeof v === 'object'
      ? `{${Object.keys(v)
          .sort()
          .map((k) => `${jcs(k)}:${jcs((v as Record<string, unknown>)[k])}`)
          .join(',')}}`
      : typeof v === 'string' && LONE.test(v)
        ? fail()
        : JSON.stringify(v);

function fail(): never {
  throw new TypeError('no canonical JSON form: a lone surrogate');
}

/** base64url(SHA-256(UTF-8(JCS(value)))): actionHash, dsp, and the challenge of a statement. */
export async function jcsHash(value: unknown): Promise<string> {
  return bufferToBase64URLString(
    await crypto.subtle.digest('SHA-256', new TextEncoder().encode(jcs(value))),
  );
}
