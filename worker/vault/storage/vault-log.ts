/**
 * The user's transparency log, in the vault's own SQLite (docs/api.md "The
 * log"). `append` is synchronous: call it INSIDE the `transactionSync` of the
 * state change it records, so a throw after it (or in it) rolls back both,
 * and an approval that cannot be logged is not granted. Proofs are standard
 * base64 hashes, as the wire carries them.
 *
 * @example
 * ```ts
 * const log = new VaultLog(ctx.storage.sql);
 * ctx.storage.transactionSync(() => {
 *   changeState();
 *   log.append({ v: 1, kind: 'revoked', at: entryTime(now), sub: userId, cred });
 * });
 * const note = await log.checkpoint(await getLogSigner(env), userId);
 * ```
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { encodeHashes } from '../../../packages/psea/src/log/hash-wire';
import { logOrigin, signCheckpoint } from '../../../packages/psea/src/log/checkpoint';
import type { LogEntry } from '../../../packages/psea/src/log/log-entry';
import type { NoteSigner } from '../../../packages/psea/src/log/note-keys';
import { SqlLogStore } from './log-sql-store';
import { TransparencyLog } from '../../../packages/psea/src/log/transparency-log';

export type { LogEntry } from '../../../packages/psea/src/log/log-entry';

/** An entry's `at`: whole seconds of a millisecond time. */
export const entryTime = (nowMs: number): number => Math.floor(nowMs / 1000);

export class VaultLog {
  private readonly log: TransparencyLog;

  constructor(sql: SqlStorage) {
    this.log = new TransparencyLog(new SqlLogStore(sql), (data) => sha256(data));
  }

  /** Append one entry; its index. Synchronous: only inside the state change's `transactionSync`. */
  append(entry: LogEntry): number {
    return this.log.append(entry).index;
  }

  /** Entries in the log. */
  size(): number {
    return this.log.size();
  }

  /** Entries [start, end) with their indexes, at most 1,000 (`end` past the size stops there). */
  entries(start: number, end: number): { index: number; entry: LogEntry }[] {
    return this.log.entries(start, end);
  }

  /** Inclusion proof of entry `index` in the tree of `size` entries, as base64 hashes. */
  inclusionProof(index: number, size: number): string[] {
    return encodeHashes(this.log.inclusionProof(index, size));
  }

  /** Consistency proof from size `from` to `size`, as base64 hashes. */
  consistencyProof(from: number, size: number): string[] {
    return encodeHashes(this.log.consistencyProof(from, size));
  }

  /**
   * The signed checkpoint of the first `size` entries (default: all, read
   * now, before any await), origin `<key name>/<base64url(SHA-256(user id))>`.
   */
  checkpoint(signer: NoteSigner, userId: string, size = this.size()): Promise<string> {
    const root = this.log.root(size);
    return logOrigin(signer.name, userId).then((origin) =>
      signCheckpoint({ origin, size, root }, signer),
    );
  }
}
