import { base64url } from 'jose';

/**
 * base64url (no padding) both ways. Uses the platform's
 * `Uint8Array.fromBase64`/`toBase64` where there is one (workerd, recent V8)
 * and jose's codec elsewhere (Node 20): on the verify path the native codec
 * is several times faster than any JS one (docs/performance.md, figure 1).
 */
interface NativeBase64 {
  toBase64(options: { alphabet: 'base64url'; omitPadding: boolean }): string;
}
interface NativeFromBase64 {
  fromBase64(
    input: string,
    options: { alphabet: 'base64url'; lastChunkHandling: 'loose' },
  ): Uint8Array<ArrayBuffer>;
}

const native =
  typeof (Uint8Array.prototype as Partial<NativeBase64>).toBase64 === 'function' &&
  typeof (Uint8Array as unknown as Partial<NativeFromBase64>).fromBase64 === 'function';

/** Characters only, optional padding: the platform decoder alone would also skip whitespace. */
const B64URL = /^[A-Za-z0-9_-]*={0,2}$/;

export function encodeB64url(bytes: Uint8Array): string {
  return native
    ? (bytes as unknown as NativeBase64).toBase64({ alphabet: 'base64url', omitPadding: true })
    : base64url.encode(bytes);
}

/** Decode base64url (padding optional); throws a TypeError on anything else. */
export function decodeB64url(text: string): Uint8Array<ArrayBuffer> {
  if (!B64URL.test(text)) throw new TypeError('not base64url');
  if (native)
    return (Uint8Array as unknown as NativeFromBase64).fromBase64(text, {
      alphabet: 'base64url',
      lastChunkHandling: 'loose',
    });
  return base64url.decode(text) as Uint8Array<ArrayBuffer>;
}
