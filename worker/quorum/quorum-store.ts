/**
 * The quorum object's SQLite tables: the quorum (one row), the approvals it
 * recorded in order (each user once), the approvers removed by a burned
 * ticket, and its webhooks owed (the vault's `deliveries` layout, so the
 * same delivery code sends them).
 */
import type { QuorumApproval } from '../../packages/psea/src/receipt/quorum-types';
import type { QuorumRecord, QuorumState } from './types';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS quorum (
  k INTEGER PRIMARY KEY CHECK (k = 1),
  record TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'expired', 'cancelled', 'burned')),
  receipt TEXT,
  met_by TEXT
);
CREATE TABLE IF NOT EXISTS approvals (
  seq INTEGER PRIMARY KEY,
  user TEXT NOT NULL UNIQUE,
  grp INTEGER NOT NULL,
  apv TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS removed (user TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS deliveries (
  id TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  body TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  log_size INTEGER
);
`;

export function createTables(sql: SqlStorage): void {
  sql.exec(SCHEMA);
}

export interface QuorumRow {
  record: QuorumRecord;
  state: QuorumState;
  receipt: string | null;
  metBy: string | null;
}

/**
 * The quorum; `known` is its record read before (it never changes), so a
 * read parses none of the action or display again.
 */
export function readQuorum(sql: SqlStorage, known?: QuorumRecord): QuorumRow | undefined {
  const row = sql
    .exec<{ record?: string; state: QuorumState; receipt: string | null; met_by: string | null }>(
      known
        ? 'SELECT state, receipt, met_by FROM quorum WHERE k = 1'
        : 'SELECT record, state, receipt, met_by FROM quorum WHERE k = 1',
    )
    .toArray()[0];
  return (
    row && {
      record: known ?? (JSON.parse(row.record!) as QuorumRecord),
      state: row.state,
      receipt: row.receipt,
      metBy: row.met_by,
    }
  );
}

/** Store the quorum once; a second create (a retried call) with the same id leaves the first. */
export function insertQuorum(sql: SqlStorage, record: QuorumRecord): void {
  sql.exec(
    "INSERT INTO quorum (k, record, state) VALUES (1, ?, 'pending') ON CONFLICT (k) DO NOTHING",
    JSON.stringify(record),
  );
}

/** Close a pending quorum; false when it was no longer pending. */
export function closeQuorum(
  sql: SqlStorage,
  state: Exclude<QuorumState, 'pending'>,
  receipt?: string,
  metBy?: string,
): boolean {
  return (
    sql.exec(
      "UPDATE quorum SET state = ?, receipt = ?, met_by = ? WHERE k = 1 AND state = 'pending'",
      state,
      receipt ?? null,
      metBy ?? null,
    ).rowsWritten === 1
  );
}

export interface RecordedApproval {
  user: string;
  grp: number;
  apv: QuorumApproval;
}

export function recordedApprovals(sql: SqlStorage): RecordedApproval[] {
  return sql
    .exec<{ user: string; grp: number; apv: string }>(
      'SELECT user, grp, apv FROM approvals ORDER BY seq',
    )
    .toArray()
    .map((r) => ({ user: r.user, grp: r.grp, apv: JSON.parse(r.apv) as QuorumApproval }));
}

export function recordApproval(sql: SqlStorage, a: RecordedApproval): void {
  sql.exec(
    'INSERT INTO approvals (user, grp, apv) VALUES (?, ?, ?)',
    a.user,
    a.grp,
    JSON.stringify(a.apv),
  );
}

export function removedApprovers(sql: SqlStorage): Set<string> {
  return new Set(
    sql
      .exec<{ user: string }>('SELECT user FROM removed')
      .toArray()
      .map((r) => r.user),
  );
}

export function removeApprover(sql: SqlStorage, user: string): void {
  sql.exec('INSERT INTO removed (user) VALUES (?) ON CONFLICT (user) DO NOTHING', user);
}
