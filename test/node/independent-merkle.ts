/**
 * An RFC 9162 Merkle tree written from the RFC's recursive definitions (§2.1.1
 * MTH, §2.1.3.1 PATH) with node:crypto, sharing nothing with the log's tree
 * but the definitions: the tests check the batch root and proofs against it.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

const h = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const k = (n: number) => 2 ** Math.floor(Math.log2(n - 1));

/** A batch item's leaf: SHA-256(0x00 ‖ UTF-8(JCS(item))). */
export const leafOf = (item: unknown): Buffer =>
  h(Buffer.from([0]), Buffer.from(canonicalize(item)!, 'utf8'));

/** MTH(D[n]) over leaf hashes. */
export function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0]!;
  const split = k(leaves.length);
  return h(Buffer.from([1]), mth(leaves.slice(0, split)), mth(leaves.slice(split)));
}

/** PATH(m, D[n]) over leaf hashes, leaf level first. */
export function path(m: number, leaves: Buffer[]): Buffer[] {
  if (leaves.length === 1) return [];
  const split = k(leaves.length);
  return m < split
    ? [...path(m, leaves.slice(0, split)), mth(leaves.slice(split))]
    : [...path(m - split, leaves.slice(split)), mth(leaves.slice(0, split))];
}
