/**
 * Hashes on the wire: standard base64 with padding (docs/evidence.md ("The log")),
 * 32 bytes each. Decoding takes `unknown` because it reads what arrived in
 * a JSON body, and refuses anything that is not exactly such a hash.
 */
import { decodeBase64, encodeBase64 } from './base64.ts';
import { LogError } from './errors.ts';
import { HASH_SIZE } from './merkle-hash.ts';

/**
 * @example
 * ```ts
 * encodeHashes(log.inclusionProof(7)); // ['ljKW0iTyhcZ77pPDio…=', …]
 * ```
 */
export function encodeHashes(hashes: readonly Uint8Array[]): string[] {
  return hashes.map(encodeBase64);
}

/**
 * One 32-byte hash from its base64 text.
 *
 * @throws {LogError} `proof_invalid` naming `what`.
 *
 * @example
 * ```ts
 * const root = decodeHash(body.root, 'root');
 * ```
 */
export function decodeHash(text: unknown, what = 'hash'): Uint8Array {
  const bytes = typeof text === 'string' ? decodeBase64(text) : undefined;
  if (bytes?.length !== HASH_SIZE)
    throw new LogError('proof_invalid', `${what} is not a base64 ${HASH_SIZE}-byte hash`);
  return bytes;
}

/**
 * A proof (an array of hashes) from JSON.
 *
 * @throws {LogError} `proof_invalid` when it is not an array of base64 32-byte hashes, or has more than 128.
 *
 * @example
 * ```ts
 * const proof = decodeHashes(bundle.log.approved.proof);
 * ```
 */
export function decodeHashes(list: unknown): Uint8Array[] {
  // No tree a double can count needs more than 2·53 hashes in one proof.
  if (!Array.isArray(list) || list.length > 128)
    throw new LogError('proof_invalid', 'a proof is an array of at most 128 hashes');
  return list.map((text, i) => decodeHash(text, `proof[${i}]`));
}
