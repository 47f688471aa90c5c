import type { LogStore } from '../../../packages/psea/src/log/log-store.ts';

/**
 * The log's tables in a Durable Object's SQLite. Run once, for example as a
 * vault migration. `log_nodes` holds complete subtrees only (see
 * `log-store.ts`); `log_entries` the exact JCS text each leaf was hashed
 * from, so the service serves an entry byte for byte as it was logged.
 * Both primary keys are the indexes every read seeks by.
 */
export const LOG_SCHEMA = `
CREATE TABLE IF NOT EXISTS log_nodes (
  level INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  hash BLOB NOT NULL,
  PRIMARY KEY (level, idx)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS log_entries (
  idx INTEGER PRIMARY KEY,
  entry TEXT NOT NULL
);
`;

type SqlValue = string | number | ArrayBuffer | null;

/** What this store needs of `DurableObjectStorage.sql`: synchronous `exec`. */
export interface SqlLike {
  exec(query: string, ...bindings: SqlValue[]): { toArray(): Record<string, SqlValue>[] };
}

/**
 * A log store on Durable Object SQLite (`ctx.storage.sql`). Synchronous, and
 * it keeps nothing in memory: inside `transactionSync`, a rolled-back append
 * leaves no trace, not even a stale size.
 *
 * @example
 * ```ts
 * ctx.storage.sql.exec(LOG_SCHEMA);
 * const log = new TransparencyLog(new SqlLogStore(ctx.storage.sql), sha256);
 * ctx.storage.transactionSync(() => {
 *   markApproved(ticket);
 *   log.append(approvedEntry); // an approval that cannot be logged is not granted
 * });
 * ```
 */
export class SqlLogStore implements LogStore {
  constructor(private readonly sql: SqlLike) {}

  size(): number {
    // A seek to the end of the (level, idx) key, not a count.
    const [row] = this.sql
      .exec('SELECT idx FROM log_nodes WHERE level = 0 ORDER BY idx DESC LIMIT 1')
      .toArray();
    return row === undefined ? 0 : Number(row.idx) + 1;
  }

  get(level: number, index: number): Uint8Array | undefined {
    const [row] = this.sql
      .exec('SELECT hash FROM log_nodes WHERE level = ? AND idx = ?', level, index)
      .toArray();
    return row === undefined ? undefined : new Uint8Array(row.hash as ArrayBuffer);
  }

  put(level: number, index: number, hash: Uint8Array): void {
    // A plain INSERT: a second write of one node fails on the primary key.
    this.sql.exec(
      'INSERT INTO log_nodes (level, idx, hash) VALUES (?, ?, ?)',
      level,
      index,
      hash.slice().buffer,
    );
  }

  putEntry(index: number, text: string): void {
    this.sql.exec('INSERT INTO log_entries (idx, entry) VALUES (?, ?)', index, text);
  }

  getEntries(start: number, end: number): string[] {
    return this.sql
      .exec('SELECT entry FROM log_entries WHERE idx >= ? AND idx < ? ORDER BY idx', start, end)
      .toArray()
      .map((row) => String(row.entry));
  }
}
