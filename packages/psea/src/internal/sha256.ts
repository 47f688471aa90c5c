import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';

const utf8 = new TextEncoder();

/**
 * SHA-256, synchronously (@noble/hashes). The inputs hashed here are small
 * (statements, client data, log entries): WebCrypto's digest costs a promise
 * and, in Node, a trip to the thread pool per call, which made the evidence
 * verifier spend more time waiting on fifteen digests than on its
 * signatures (docs/performance.md). Strings are hashed as UTF-8.
 */
export function sha256Bytes(data: Uint8Array | string): Uint8Array<ArrayBuffer> {
  return nobleSha256(
    typeof data === 'string' ? utf8.encode(data) : data,
  ) as Uint8Array<ArrayBuffer>;
}

/** {@link sha256Bytes} behind the async signature the callers were written for. */
export async function sha256(data: Uint8Array | string): Promise<Uint8Array<ArrayBuffer>> {
  return sha256Bytes(data);
}
