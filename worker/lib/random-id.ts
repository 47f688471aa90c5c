import { encodeB64url } from '../../packages/psea/src/internal/base64url.ts';

/**
 * A base64url (no padding) string of `bytes` random bytes from the platform
 * CSPRNG. The default, 16 bytes, gives the 128 bits docs/api.md asks of a
 * receipt's `jti` and a statement's `nonce`.
 *
 * @throws {RangeError} when `bytes` is not an integer from 1 to 65536.
 *
 * @example
 * ```ts
 * randomId();   // 22 characters, e.g. 'q3J0c0VhbXBsZV9ub25jZQ'
 * randomId(32); // 43 characters
 * ```
 */
export function randomId(bytes = 16): string {
  // getRandomValues refuses more than 65536 bytes in one call.
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > 65_536) {
    throw new RangeError('randomId: bytes must be an integer from 1 to 65536');
  }
  return encodeB64url(crypto.getRandomValues(new Uint8Array(bytes)));
}
