/**
 * Hand-offs owed to quorums (docs/quorum.md "Who decides"): a row is written
 * in the transaction that commits an approver's approval (or burns an
 * approver's ticket) and deleted once the quorum has taken it. Until then
 * the vault's alarm tries again, for as long as it takes.
 */
export type HandoffRow = {
  id: string;
  ticket: string;
  quorum_id: string;
  kind: 'approve' | 'burn';
  body: string;
  attempts: number;
  next_at: number;
};

/** Waits between tries: quick at first, then every five minutes, never giving up. */
const DELAYS_MS = [1_000, 5_000, 30_000, 120_000, 300_000];

export function insertHandoff(
  sql: SqlStorage,
  h: Omit<HandoffRow, 'id' | 'attempts' | 'next_at'>,
  now: number,
): string {
  const id = `${h.ticket}:${h.kind}`;
  sql.exec(
    'INSERT INTO quorum_handoffs (id, ticket, quorum_id, kind, body, attempts, next_at) VALUES (?, ?, ?, ?, ?, 0, ?) ON CONFLICT (id) DO NOTHING',
    id,
    h.ticket,
    h.quorum_id,
    h.kind,
    h.body,
    now + DELAYS_MS[0]!,
  );
  return id;
}

export function getHandoff(sql: SqlStorage, id: string): HandoffRow | undefined {
  return sql.exec<HandoffRow>('SELECT * FROM quorum_handoffs WHERE id = ?', id).toArray()[0];
}

export function dueHandoffs(sql: SqlStorage, now: number, limit = 20): HandoffRow[] {
  return sql
    .exec<HandoffRow>(
      'SELECT * FROM quorum_handoffs WHERE next_at <= ? ORDER BY next_at LIMIT ?',
      now,
      limit,
    )
    .toArray();
}

export function deleteHandoff(sql: SqlStorage, id: string): void {
  sql.exec('DELETE FROM quorum_handoffs WHERE id = ?', id);
}

export function postponeHandoff(sql: SqlStorage, row: HandoffRow, now: number): void {
  const delay = DELAYS_MS[Math.min(row.attempts + 1, DELAYS_MS.length - 1)]!;
  sql.exec(
    'UPDATE quorum_handoffs SET attempts = attempts + 1, next_at = ? WHERE id = ?',
    now + delay,
    row.id,
  );
}

export function nextHandoffAt(sql: SqlStorage): number | undefined {
  return (
    sql.exec<{ t: number | null }>('SELECT MIN(next_at) AS t FROM quorum_handoffs').toArray()[0]
      ?.t ?? undefined
  );
}

/** Which approval (its ticket, whose evidence row holds it) this user gave a quorum. */
export function insertQuorumEvidence(sql: SqlStorage, quorumId: string, hash: string): void {
  sql.exec('INSERT INTO quorum_evidence (quorum_id, hash) VALUES (?, ?)', quorumId, hash);
}

export function quorumEvidenceHash(sql: SqlStorage, quorumId: string): string | undefined {
  return sql
    .exec<{ hash: string }>('SELECT hash FROM quorum_evidence WHERE quorum_id = ?', quorumId)
    .toArray()[0]?.hash;
}

/** An approver's ticket first served its options now (a repeat keeps the first time). */
export function markServed(sql: SqlStorage, hash: string, now: number): void {
  sql.exec('UPDATE tickets SET served_at = ? WHERE hash = ? AND served_at IS NULL', now, hash);
}
