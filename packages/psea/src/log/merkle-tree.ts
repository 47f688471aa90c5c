/**
 * RFC 9162 §2.1 Merkle tree over a `NodeStore` of complete subtrees. Append,
 * root, inclusion and consistency proofs each read O(log n) stored nodes:
 * a range of leaves that is not a power of two is rebuilt from the complete
 * subtrees it splits into (at most one per bit of its length), never from its
 * leaves. Synchronous throughout (see `merkle-hash.ts`).
 *
 * Sizes are plain numbers, exact up to 2^53; no bitwise operators, which
 * would cut them to 32 bits.
 */
import { LogError } from './errors.ts';
import type { NodeStore } from './log-store.ts';
import { emptyRoot, hashChildren, type Sha256 } from './merkle-hash.ts';

/** A leaf index or tree size: a whole number a double holds exactly. */
function isCount(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

/** The largest power of two strictly below `n` (n ≥ 2): RFC 9162's split point k. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * @example
 * ```ts
 * const tree = new MerkleTree(new MemoryLogStore(), sha256);
 * for (const leaf of leaves) tree.append(hashLeaf(sha256, leaf));
 * const proof = tree.inclusionProof(3, tree.size()); // siblings, leaf level first
 * ```
 */
export class MerkleTree {
  constructor(
    private readonly store: NodeStore,
    private readonly sha256: Sha256,
  ) {}

  /** Leaves in the tree. */
  size(): number {
    return this.store.size();
  }

  /**
   * Append one leaf hash; returns its index. Stores the leaf and every
   * subtree it completes: reads one stored left sibling per level it climbs.
   */
  append(leafHash: Uint8Array): number {
    const index = this.store.size();
    this.store.put(0, index, leafHash);
    let hash = leafHash;
    let level = 0;
    let k = index;
    // Node k at this level is a right child: its parent is now complete.
    while (k % 2 === 1) {
      hash = hashChildren(this.sha256, this.node(level, k - 1), hash);
      k = (k - 1) / 2;
      level++;
      this.store.put(level, k, hash);
    }
    return index;
  }

  /** The root of the tree's first `size` leaves (RFC 9162 MTH), default the whole tree. */
  root(size?: number): Uint8Array {
    size = this.within(size);
    return size === 0 ? emptyRoot(this.sha256) : this.range(0, size);
  }

  /** RFC 9162 §2.1.3.1 PATH(index, D[0:size]): sibling hashes, leaf level first. */
  inclusionProof(index: number, size?: number): Uint8Array[] {
    size = this.within(size);
    if (!isCount(index) || index >= size)
      throw new LogError('out_of_range', `leaf ${index} is not in a tree of size ${size}`);
    const proof: Uint8Array[] = [];
    let [lo, hi] = [0, size];
    while (hi - lo > 1) {
      const k = splitPoint(hi - lo);
      if (index < lo + k) {
        proof.push(this.range(lo + k, hi));
        hi = lo + k;
      } else {
        proof.push(this.range(lo, lo + k));
        lo += k;
      }
    }
    return proof.reverse();
  }

  /**
   * RFC 9162 §2.1.4.1 PROOF(from, D[0:size]): proves the tree of size
   * `from` is a prefix of the tree of size `size`. Empty when from = size or
   * from = 0 (every tree extends the empty one).
   */
  consistencyProof(from: number, size?: number): Uint8Array[] {
    size = this.within(size);
    if (!isCount(from) || from > size)
      throw new LogError('out_of_range', `tree size ${from} is not at most ${size}`);
    if (from === 0 || from === size) return [];
    const proof: Uint8Array[] = [];
    let [lo, hi] = [0, size];
    let whole = true; // SUBPROOF's b: still the subtree of the old root itself
    while (from !== hi) {
      const k = splitPoint(hi - lo);
      if (from - lo <= k) {
        proof.push(this.range(lo + k, hi));
        hi = lo + k;
      } else {
        proof.push(this.range(lo, lo + k));
        lo += k;
        whole = false;
      }
    }
    if (!whole) proof.push(this.range(lo, hi));
    return proof.reverse();
  }

  /**
   * MTH(D[lo:hi]) for a range the RFC's recursion reaches: `lo` is a multiple
   * of a power of two ≥ hi - lo, so the range splits, largest first, into
   * complete stored subtrees, and its hash is their right fold.
   */
  private range(lo: number, hi: number): Uint8Array {
    const parts: Uint8Array[] = [];
    let start = lo;
    for (let level = Math.floor(Math.log2(hi - lo)) + 1; level >= 0; level--) {
      const width = 2 ** level;
      if (start + width > hi) continue;
      parts.push(this.node(level, start / width));
      start += width;
    }
    let hash = parts.pop()!;
    while (parts.length > 0) hash = hashChildren(this.sha256, parts.pop()!, hash);
    return hash;
  }

  private node(level: number, index: number): Uint8Array {
    const hash = this.store.get(level, index);
    // Only a store that lost writes gets here: a fault, never a client's error.
    if (hash === undefined) throw new Error(`log store has no node (${level}, ${index})`);
    return hash;
  }

  /** `size`, or the tree's size when absent, once checked to be a size the tree has had. */
  private within(size: number | undefined): number {
    const total = this.store.size();
    if (size === undefined) return total;
    if (!isCount(size) || size > total)
      throw new LogError('out_of_range', `tree size ${size} is beyond the log's ${total}`);
    return size;
  }
}
