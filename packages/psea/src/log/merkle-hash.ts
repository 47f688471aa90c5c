/**
 * RFC 9162 §2.1.1 hashing (the same as RFC 6962's) with SHA-256: a leaf is
 * H(0x00 ‖ data), an interior node H(0x01 ‖ left ‖ right), the empty tree
 * H(""). The prefixes keep a leaf from ever passing for a node.
 *
 * The tree appends inside a storage transaction that must not await, so
 * these take a synchronous SHA-256 (`Sha256`) from the caller; WebCrypto's
 * digest is async only. Verifiers, who may await, use `verify-proofs.ts`.
 */
import { canonicalJson } from '../internal/canonical-json.ts';

/** A synchronous SHA-256: 32 bytes out. */
export type Sha256 = (data: Uint8Array) => Uint8Array;

/** Bytes of one hash. */
export const HASH_SIZE = 32;

const utf8 = new TextEncoder();

/** 0x00 ‖ data: what a leaf hash is taken over. */
export function leafPreimage(data: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(1 + data.length);
  out.set(data, 1);
  return out;
}

/** 0x01 ‖ left ‖ right: what a node hash is taken over. */
export function nodePreimage(left: Uint8Array, right: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(1 + left.length + right.length);
  out[0] = 1;
  out.set(left, 1);
  out.set(right, 1 + left.length);
  return out;
}

/**
 * The bytes a log entry is hashed as: UTF-8 of its JCS (RFC 8785) form, so
 * anyone holding the entry as JSON, in any key order, gets the same leaf.
 *
 * @throws {ReceiptError} `invalid_json` when the entry has no JSON form.
 *
 * @example
 * ```ts
 * new TextDecoder().decode(entryBytes({ v: 1, kind: 'revoked' })); // '{"kind":"revoked","v":1}'
 * ```
 */
export function entryBytes(entry: unknown): Uint8Array {
  return utf8.encode(canonicalJson(entry));
}

/**
 * H(0x00 ‖ data).
 *
 * @example
 * ```ts
 * hashLeaf(sha256, new Uint8Array()); // 6e340b9c…: the RFC 6962 empty leaf
 * ```
 */
export function hashLeaf(sha256: Sha256, data: Uint8Array): Uint8Array {
  return sha256(leafPreimage(data));
}

/**
 * H(0x01 ‖ left ‖ right).
 *
 * @example
 * ```ts
 * const root2 = hashChildren(sha256, hashLeaf(sha256, a), hashLeaf(sha256, b));
 * ```
 */
export function hashChildren(sha256: Sha256, left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(nodePreimage(left, right));
}

/**
 * The root of the empty tree, H("").
 *
 * @example
 * ```ts
 * emptyRoot(sha256); // e3b0c442…b855
 * ```
 */
export function emptyRoot(sha256: Sha256): Uint8Array {
  return sha256(new Uint8Array());
}
