import { encodeB64url } from './base64url.ts';

const utf8 = new TextEncoder();

/**
 * base64url (no padding) of SHA-256 over `data`; strings are hashed as UTF-8.
 * WebCrypto only, so it runs in every runtime `psea/receipt` targets.
 *
 * @example
 * ```ts
 * await sha256B64url('abc'); // 'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0'
 * ```
 */
export async function sha256B64url(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === 'string' ? utf8.encode(data) : data;
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return encodeB64url(new Uint8Array(digest));
}
