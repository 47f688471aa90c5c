/**
 * Standard base64 (RFC 4648 §4, with padding): the alphabet of signed notes,
 * checkpoints and the log's hashes on the wire. Decoding is strict and
 * canonical (one text per byte string), so a hash or signature cannot be
 * written two ways: what a verifier compares is what was signed.
 */

const STD = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Standard base64, with padding.
 *
 * @example
 * ```ts
 * encodeBase64(new Uint8Array([0xfb, 0xff])); // '+/8='
 * ```
 */
export function encodeBase64(bytes: Uint8Array): string {
  let binary = '';
  // Chunks keep String.fromCharCode's argument list short.
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * Decode standard base64; `undefined` for anything else: the url alphabet,
 * missing padding, whitespace, or non-zero bits after the last byte.
 *
 * @example
 * ```ts
 * decodeBase64('+/8='); // Uint8Array [0xfb, 0xff]
 * decodeBase64('-_8=');  // undefined
 * ```
 */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (!STD.test(text)) return undefined;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return encodeBase64(bytes) === text ? bytes : undefined;
}
