/**
 * Proof verification for anyone who holds a root they trust (from a
 * checkpoint they verified): RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2
 * (consistency), step for step. Runtime agnostic: WebCrypto, and
 * @noble/hashes (pure JS) for the proof steps' node hashes. Each throws `LogError` `proof_invalid` saying why, and
 * resolves to nothing when the proof holds.
 *
 * Sizes are plain numbers, exact up to 2^53: halving is done by division,
 * never by bitwise shifts, which would cut them to 32 bits.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { LogError } from './errors.ts';
import { entryBytes, HASH_SIZE, leafPreimage, nodePreimage } from './merkle-hash.ts';

// A node's 65 bytes hashed synchronously (@noble/hashes): one WebCrypto digest, with its await,
// per proof step made proofs the slowest part of verifyEvidence (docs/performance.md, figure 7b).
async function node(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return sha256(nodePreimage(left, right));
}

const odd = (n: number) => n % 2 === 1;
const half = (n: number) => Math.floor(n / 2);

function isPowerOfTwo(n: number): boolean {
  let p = 1;
  while (p < n) p *= 2;
  return p === n;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function fail(why: string): never {
  throw new LogError('proof_invalid', why);
}

function checkHashes(named: Record<string, Uint8Array>, proof: readonly Uint8Array[]): void {
  for (const [name, hash] of Object.entries(named))
    if (hash.length !== HASH_SIZE) fail(`${name} is not a ${HASH_SIZE}-byte hash`);
  if (proof.some((hash) => hash.length !== HASH_SIZE))
    fail(`a proof element is not a ${HASH_SIZE}-byte hash`);
}

function checkCount(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) fail(`${name} ${n} is not a whole number`);
}

/**
 * The root an inclusion proof leads to from `leafHash` at `index` in a tree
 * of `size` leaves (RFC 9162 §2.1.3.2 steps 1-4).
 *
 * @example
 * ```ts
 * const root = await rootFromInclusionProof(leafHash, 7, 12, proof);
 * ```
 */
export async function rootFromInclusionProof(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
): Promise<Uint8Array> {
  checkCount('leaf index', index);
  checkCount('tree size', size);
  checkHashes({ 'leaf hash': leafHash }, proof);
  if (index >= size) fail(`leaf ${index} is not in a tree of size ${size}`);
  let [fn, sn] = [index, size - 1];
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) fail('the proof is longer than the path to the root');
    if (odd(fn) || fn === sn) {
      r = await node(p, r);
      while (!odd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      r = await node(r, p);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  if (sn !== 0) fail('the proof is shorter than the path to the root');
  return r;
}

/**
 * Check that `leafHash` is leaf `index` of the tree of `size` leaves whose
 * root is `root`.
 *
 * @throws {LogError} `proof_invalid`, saying why.
 *
 * @example
 * ```ts
 * await verifyInclusion(await leafHashOf(entry), 7, checkpoint.size, proof, checkpoint.root);
 * ```
 */
export async function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Promise<void> {
  checkHashes({ root }, []);
  const computed = await rootFromInclusionProof(leafHash, index, size, proof);
  if (!equal(computed, root))
    fail(`the proof does not lead leaf ${index} to the root of the tree of size ${size}`);
}

/**
 * Check that the tree of `oldSize` leaves with root `oldRoot` is a prefix of
 * the tree of `newSize` leaves with root `newRoot`: the log only grew. Equal
 * sizes need an empty proof and equal roots; from size 0 (every tree extends
 * the empty one) an empty proof.
 *
 * @throws {LogError} `proof_invalid`, saying why.
 *
 * @example
 * ```ts
 * await verifyConsistency(known.size, latest.size, proof, known.root, latest.root);
 * ```
 */
export async function verifyConsistency(
  oldSize: number,
  newSize: number,
  proof: readonly Uint8Array[],
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
): Promise<void> {
  checkCount('old tree size', oldSize);
  checkCount('new tree size', newSize);
  checkHashes({ 'old root': oldRoot, 'new root': newRoot }, proof);
  if (oldSize > newSize) fail(`tree size ${oldSize} cannot grow into ${newSize}`);
  if (oldSize === newSize) {
    if (proof.length > 0) fail('a proof between equal sizes must be empty');
    if (!equal(oldRoot, newRoot)) fail(`two different roots for the tree of size ${oldSize}`);
    return;
  }
  if (oldSize === 0) {
    if (proof.length > 0) fail('a proof from the empty tree must be empty');
    return;
  }
  // §2.1.4.2 from here on.
  if (proof.length === 0) fail('the proof is empty');
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : [...proof];
  let [fn, sn] = [oldSize - 1, newSize - 1];
  while (odd(fn)) [fn, sn] = [half(fn), half(sn)];
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) fail('the proof is longer than the path to the new root');
    if (odd(fn) || fn === sn) {
      fr = await node(c, fr);
      sr = await node(c, sr);
      while (!odd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      sr = await node(sr, c);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  if (sn !== 0) fail('the proof is shorter than the path to the new root');
  if (!equal(fr, oldRoot)) fail(`the proof does not lead to the old root of size ${oldSize}`);
  if (!equal(sr, newRoot)) fail(`the proof does not lead to the new root of size ${newSize}`);
}

/**
 * A log entry's leaf hash, H(0x00 ‖ JCS(entry)), with WebCrypto.
 *
 * @throws {ReceiptError} `invalid_json` when the entry has no JSON form.
 *
 * @example
 * ```ts
 * const leaf = await leafHashOf(bundle.log.approved.entry);
 * ```
 */
export async function leafHashOf(entry: unknown): Promise<Uint8Array> {
  return sha256(leafPreimage(entryBytes(entry)));
}
