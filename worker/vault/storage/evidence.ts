/**
 * What an approval's evidence bundle needs, stored at the moment of the
 * approval (migration 3), in the same transaction as the consumption and the
 * `approved` entry: kept `EVIDENCE_TTL_DAYS` whatever happens to the ticket
 * (tickets are pruned a day past expiry), the log itself for good.
 */
export type EvidenceRow = {
  hash: string;
  credential_id: string;
  /** The AuthenticationResponseJSON exactly as posted and accepted (its JSON text). */
  assertion: string;
  receipt: string;
  /** The ticket's data (action, display, statement as served), copied byte for byte from its row. */
  ticket_data: string;
  approved_index: number;
  approved_at: number;
};

/** Keep an approval's evidence, its ticket's data copied inside SQLite (no parse on the approval's path). */
export function insertEvidence(sql: SqlStorage, e: Omit<EvidenceRow, 'ticket_data'>): void {
  sql.exec(
    `INSERT INTO evidence (hash, credential_id, assertion, receipt, ticket_data, approved_index, approved_at)
     SELECT ?, ?, ?, ?, data, ?, ? FROM tickets WHERE hash = ?`,
    e.hash,
    e.credential_id,
    e.assertion,
    e.receipt,
    e.approved_index,
    e.approved_at,
    e.hash,
  );
}

/** The evidence of an approved ticket, if still kept (approved after `keptSince`, ms). */
export function getEvidence(
  sql: SqlStorage,
  hash: string,
  keptSince: number,
): EvidenceRow | undefined {
  return sql
    .exec<EvidenceRow>(
      'SELECT * FROM evidence WHERE hash = ? AND approved_at >= ?',
      hash,
      keptSince,
    )
    .toArray()[0];
}

/** Drop evidence approved before `keptSince` (ms). */
export function pruneEvidence(sql: SqlStorage, keptSince: number): void {
  sql.exec('DELETE FROM evidence WHERE approved_at < ?', keptSince);
}
