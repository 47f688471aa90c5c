/**
 * A batch's items, stored apart from its ticket's row (migration 6): a
 * Durable Object's SQLite value is capped near 2 MB, and a batch may reach
 * 4 MiB. Kept in chunks of whole items (each chunk a JSON array of the items'
 * JCS forms, under 1.5 MB of UTF-8), dropped with their ticket.
 */

/** UTF-16 units per chunk: at most 3 bytes of UTF-8 each, plus one item of 4 KiB. */
const CHUNK_UNITS = 512 * 1024;

/** Store a batch's items (JCS strings, in order) under its ticket. */
export function insertBatchItems(sql: SqlStorage, hash: string, items: readonly string[]): void {
  let chunk: string[] = [];
  let units = 0;
  let seq = 0;
  const flush = () => {
    sql.exec(
      'INSERT INTO batch_items (hash, seq, items) VALUES (?, ?, ?)',
      hash,
      seq++,
      `[${chunk.join(',')}]`,
    );
    chunk = [];
    units = 0;
  };
  for (const item of items) {
    if (units > 0 && units + item.length > CHUNK_UNITS) flush();
    chunk.push(item);
    units += item.length + 1;
  }
  if (chunk.length > 0) flush();
}

/** A batch's items, in order. */
export function batchItems(sql: SqlStorage, hash: string): unknown[] {
  const rows = sql
    .exec<{ items: string }>('SELECT items FROM batch_items WHERE hash = ? ORDER BY seq', hash)
    .toArray();
  return rows.flatMap((row) => JSON.parse(row.items) as unknown[]);
}

/** Drop the items of tickets that are gone. */
export function pruneBatchItems(sql: SqlStorage): void {
  sql.exec('DELETE FROM batch_items WHERE hash NOT IN (SELECT hash FROM tickets)');
}
