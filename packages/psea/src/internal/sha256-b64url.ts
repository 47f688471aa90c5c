import { encodeB64url } from './base64url.ts';
import { sha256Bytes } from './sha256.ts';

/**
 * base64url (no padding) of SHA-256 over `data`; strings are hashed as UTF-8.
 * Pure JavaScript (sha256.ts), so it runs in every runtime `psea/receipt` targets.
 *
 * @example
 * ```ts
 * await sha256B64url('abc'); // 'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0'
 * ```
 */
export async function sha256B64url(data: string | Uint8Array): Promise<string> {
  return encodeB64url(sha256Bytes(data));
}
