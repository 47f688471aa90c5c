/**
 * Migration 6 (v3, docs/evidence.md "Chain of custody"): every credential that
 * can approve must be logged before it approves, and its enrollment must be
 * signed back to a root. A vault made before keeps no approval of its added
 * credentials, and a v1 one has no log entry for any: each active or locked
 * credential with no `enrolled` entry, or whose addition has no kept
 * approval, gets an `enrolled` entry approved by `migrated`, in enrollment
 * order, in the migration's own transaction, so before any other entry. No
 * webhook is sent. No other path writes `migrated`.
 */
import { CREDENTIAL_APPROVALS_SCHEMA } from './credential-approvals';
import { setEnrolledIndex } from './credentials';
import { keyOf, vaultUser } from '../commits/log-writes';
import { entryTime, VaultLog } from './vault-log';

type Unrooted = { id: string; public_key: ArrayBuffer; aaguid: string; attested: number };

/** Runs inside the migration's transactionSync: the table, then one run of `migrated` entries. */
export function migrateCustody(sql: SqlStorage, now = Date.now()): void {
  sql.exec(CREDENTIAL_APPROVALS_SCHEMA);
  // Entries whose approvedBy is a root stand as they are; those naming a credential need its approval.
  const unrooted = sql
    .exec<Unrooted>(
      `SELECT id, public_key, aaguid, attested FROM credentials
      WHERE state IN ('active', 'locked')
        AND (enrolled_index IS NULL OR approved_by IS NULL OR approved_by NOT IN ('first', 'recovery', 'open'))
        AND NOT EXISTS (SELECT 1 FROM credential_approvals a WHERE a.cred = credentials.id)
      ORDER BY COALESCE(enrolled_index, -1), created_at, id`,
    )
    .toArray();
  if (unrooted.length === 0) return;
  const log = new VaultLog(sql);
  const sub = vaultUser(sql);
  for (const c of unrooted) {
    const index = log.append({
      v: 1,
      kind: 'enrolled',
      at: entryTime(now),
      sub,
      cred: c.id,
      key: keyOf(new Uint8Array(c.public_key)),
      aaguid: c.aaguid,
      attested: !!c.attested,
      approvedBy: 'migrated',
    });
    // A credential's custody starts at its latest enrolled entry.
    setEnrolledIndex(sql, c.id, index);
  }
}
