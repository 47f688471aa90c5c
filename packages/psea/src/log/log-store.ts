/**
 * Where a log keeps its tree and its entries. The tree stores only complete
 * subtrees ("perfect subtrees", as transparency-dev/merkle's compact ranges
 * and Trillian's storage do): node (level, index) is the hash of leaves
 * [index·2^level, (index+1)·2^level), written once, when its last leaf
 * arrives, and never changed. Any root or proof is then a handful of these
 * nodes, so nothing ever scans the log.
 *
 * Every method is synchronous so that a Durable Object can append inside
 * `transactionSync`, in the same transaction as the state change it records.
 */

/** The tree's nodes. */
export interface NodeStore {
  /** How many leaves the tree has: one more than the highest level-0 index. */
  size(): number;
  /** The hash of the complete subtree at (level, index), if it is stored. */
  get(level: number, index: number): Uint8Array | undefined;
  /** Store a complete subtree's hash; throws if (level, index) is already stored: the log is append-only. */
  put(level: number, index: number, hash: Uint8Array): void;
}

/** The tree's nodes and the entries its leaves are the hashes of. */
export interface LogStore extends NodeStore {
  /** Store entry `index` as the exact text its leaf was hashed from; throws if it is already stored. */
  putEntry(index: number, text: string): void;
  /** The texts of entries [start, end), in order. */
  getEntries(start: number, end: number): string[];
}
