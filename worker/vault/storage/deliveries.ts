/**
 * Webhooks owed (docs/agents.md ("Waiting for an approval")): one row per event, kept
 * until its receiver answers 2xx or its last try fails. The row is written in
 * the same transaction as the change it tells of, so no approval goes untold
 * and no event is told of a change that did not commit.
 */
export type DeliveryRow = {
  id: string;
  url: string;
  body: string;
  attempts: number;
  next_at: number;
  created_at: number;
  /** The user's log size after the event; its checkpoint goes into the body at the first try, then null. */
  log_size: number | null;
};

export function insertDelivery(
  sql: SqlStorage,
  d: { id: string; url: string; body: string; now: number; logSize?: number },
): void {
  sql.exec(
    'INSERT INTO deliveries (id, url, body, attempts, next_at, created_at, log_size) VALUES (?, ?, ?, 0, ?, ?, ?)',
    d.id,
    d.url,
    d.body,
    d.now,
    d.now,
    d.logSize ?? null,
  );
}

/** The body with its checkpoint, kept so that every later try sends the very same body. */
export function fillDelivery(sql: SqlStorage, id: string, body: string): void {
  sql.exec('UPDATE deliveries SET body = ?, log_size = NULL WHERE id = ?', body, id);
}

/** Deliveries due at `now`, oldest first. */
export function dueDeliveries(sql: SqlStorage, now: number, limit: number): DeliveryRow[] {
  return sql
    .exec<DeliveryRow>(
      'SELECT * FROM deliveries WHERE next_at <= ? ORDER BY next_at LIMIT ?',
      now,
      limit,
    )
    .toArray();
}

export function deleteDelivery(sql: SqlStorage, id: string): void {
  sql.exec('DELETE FROM deliveries WHERE id = ?', id);
}

/** One more failed try; the next one at `nextAt`. */
export function postponeDelivery(
  sql: SqlStorage,
  id: string,
  attempts: number,
  nextAt: number,
): void {
  sql.exec('UPDATE deliveries SET attempts = ?, next_at = ? WHERE id = ?', attempts, nextAt, id);
}

/** When the next delivery is due, or undefined when none is owed. */
export function nextDeliveryAt(sql: SqlStorage): number | undefined {
  return (
    sql.exec<{ t: number | null }>('SELECT MIN(next_at) AS t FROM deliveries').toArray()[0]?.t ??
    undefined
  );
}
