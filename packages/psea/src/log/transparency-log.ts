/**
 * One user's append-only log: entries and the Merkle tree over their leaf
 * hashes, on one `LogStore`. `append` writes the entry and its leaf together
 * and synchronously, so a Durable Object calls it inside the same
 * `transactionSync` as the state change it records.
 */
import { canonicalJson } from '../internal/canonical-json.ts';
import { LogError } from './errors.ts';
import type { LogEntry } from './log-entry.ts';
import type { LogStore } from './log-store.ts';
import { hashLeaf, type Sha256 } from './merkle-hash.ts';
import { MerkleTree } from './merkle-tree.ts';

/** Most entries one read returns (docs/api.md: at most 1,000 a page). */
export const MAX_ENTRIES_PER_READ = 1000;

const utf8 = new TextEncoder();

/**
 * @example
 * ```ts
 * const log = new TransparencyLog(new SqlLogStore(ctx.storage.sql), sha256);
 * const { index } = log.append({ v: 1, kind: 'revoked', at: 1767225600, sub: userId, cred });
 * const proof = log.inclusionProof(index); // against log.root(), of size log.size()
 * ```
 */
export class TransparencyLog {
  private readonly tree: MerkleTree;

  constructor(
    private readonly store: LogStore,
    private readonly sha256: Sha256,
  ) {
    this.tree = new MerkleTree(store, sha256);
  }

  /** Entries in the log. */
  size(): number {
    return this.tree.size();
  }

  /**
   * Append an entry: its JCS text and its leaf, H(0x00 ‖ JCS(entry)).
   *
   * @throws {ReceiptError} `invalid_json` when the entry has no JSON form (nothing is written).
   */
  append(entry: LogEntry): { index: number; leafHash: Uint8Array } {
    const text = canonicalJson(entry);
    const leafHash = hashLeaf(this.sha256, utf8.encode(text));
    const index = this.tree.append(leafHash);
    this.store.putEntry(index, text);
    return { index, leafHash };
  }

  /** Entries [start, end) with their indexes; `end` may pass the log's size, the page then stops there. */
  entries(start: number, end: number): { index: number; entry: LogEntry }[] {
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
      throw new LogError('out_of_range', `[${start}, ${end}) is not a range of entries`);
    }
    if (end - start > MAX_ENTRIES_PER_READ)
      throw new LogError('out_of_range', `at most ${MAX_ENTRIES_PER_READ} entries a read`);
    return this.store
      .getEntries(start, end)
      .map((text, i) => ({ index: start + i, entry: JSON.parse(text) as LogEntry }));
  }

  /** The root of the first `size` entries, default all. */
  root(size?: number): Uint8Array {
    return this.tree.root(size);
  }

  /** The inclusion proof of entry `index` in the tree of `size` entries, default all. */
  inclusionProof(index: number, size?: number): Uint8Array[] {
    return this.tree.inclusionProof(index, size);
  }

  /** The consistency proof from size `from` to `size`, default all. */
  consistencyProof(from: number, size?: number): Uint8Array[] {
    return this.tree.consistencyProof(from, size);
  }
}
