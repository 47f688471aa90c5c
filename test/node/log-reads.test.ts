/**
 * The tree never scans: append, root, inclusion and consistency proofs read
 * O(log n) stored nodes (packages/psea/src/log/merkle-tree.ts). Counted on 10,000
 * leaves, for every append and every proof of the last size, and a spread
 * of earlier sizes.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  hashLeaf,
  MemoryLogStore,
  MerkleTree,
  type NodeStore,
  type Sha256,
} from '../../packages/psea/src/log/index.ts';

const sha256: Sha256 = (data) => new Uint8Array(createHash('sha256').update(data).digest());

/** A store that counts every read (size() and get()). */
function counting(inner: NodeStore) {
  const counter = { reads: 0 };
  const store: NodeStore = {
    size: () => (counter.reads++, inner.size()),
    get: (level, index) => (counter.reads++, inner.get(level, index)),
    put: (level, index, hash) => inner.put(level, index, hash),
  };
  return { store, counter };
}

const N = 10_000;
const log2 = (n: number) => Math.ceil(Math.log2(Math.max(n, 2)));

describe(`reads on a tree of ${N.toLocaleString('en')} leaves`, () => {
  const { store, counter } = counting(new MemoryLogStore());
  const tree = new MerkleTree(store, sha256);
  /** Reads of one call. */
  const reads = (call: () => unknown) => {
    counter.reads = 0;
    call();
    return counter.reads;
  };

  it('append reads at most log2(n) + 1', () => {
    let most = 0;
    for (let i = 0; i < N; i++) {
      const r = reads(() => tree.append(hashLeaf(sha256, new TextEncoder().encode(`entry ${i}`))));
      expect(r).toBeLessThanOrEqual(log2(i + 1) + 1);
      most = Math.max(most, r);
    }
    expect(most).toBe(14); // leaf 8191 (13 one bits) completes 13 subtrees: 13 siblings and the size
  });

  it('root reads at most log2(n) + 1', () => {
    for (const n of [1, 2, 3, 1000, 4095, 4096, 8191, 9999, N])
      expect(reads(() => tree.root(n))).toBeLessThanOrEqual(log2(n) + 1);
  });

  it('an inclusion proof reads at most 2·log2(n) + 1, for every leaf', () => {
    let most = 0;
    for (let i = 0; i < N; i++) {
      const r = reads(() => tree.inclusionProof(i, N));
      most = Math.max(most, r);
    }
    expect(most).toBeLessThanOrEqual(2 * log2(N) + 1);
    for (const n of [7, 1000, 4097, 8191])
      for (const i of [0, Math.floor(n / 3), n - 1]) {
        expect(reads(() => tree.inclusionProof(i, n))).toBeLessThanOrEqual(2 * log2(n) + 1);
      }
  });

  it('a consistency proof reads at most 2·log2(n) + 1, from every earlier size', () => {
    let most = 0;
    for (let m = 1; m <= N; m++)
      most = Math.max(
        most,
        reads(() => tree.consistencyProof(m, N)),
      );
    expect(most).toBeLessThanOrEqual(2 * log2(N) + 1);
    for (const n of [7, 1000, 4097, 8191])
      for (const m of [1, Math.floor(n / 3), n - 1]) {
        expect(reads(() => tree.consistencyProof(m, n))).toBeLessThanOrEqual(2 * log2(n) + 1);
      }
  });
});
