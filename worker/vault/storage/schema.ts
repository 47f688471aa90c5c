/**
 * SQLite schema of one user's vault. Every single-use thing (tickets,
 * receipt redemptions) lives here, beside the credentials whose counters it
 * advances, so one synchronous transaction can check and consume.
 *
 * `SCHEMA` is the v1 layout, created if absent; `MIGRATIONS` then bring any
 * vault, new or old, to the current layout, each once, in order. The
 * version is kept in `meta` (`schema_version`), not `PRAGMA user_version`,
 * which Durable Object storage does not promise to allow.
 */
import { LOG_SCHEMA } from './log-sql-store';
import { migrateCustody } from './migrate-custody';

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  k TEXT PRIMARY KEY,
  v TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS credentials (
  id TEXT PRIMARY KEY,
  public_key BLOB NOT NULL,
  alg INTEGER NOT NULL,
  counter INTEGER NOT NULL,
  aaguid TEXT NOT NULL,
  backup_eligible INTEGER NOT NULL,
  backed_up INTEGER NOT NULL,
  transports TEXT NOT NULL,
  fmt TEXT NOT NULL,
  attested INTEGER NOT NULL DEFAULT 0,
  authenticator_name TEXT,
  state TEXT NOT NULL CHECK (state IN ('active', 'revoked', 'locked')),
  created_at INTEGER NOT NULL,
  last_used_at INTEGER
);
CREATE TABLE IF NOT EXISTS tickets (
  hash TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('enroll', 'action')),
  state TEXT NOT NULL CHECK (state IN ('pending', 'consumed', 'burned')),
  challenge TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  failures INTEGER NOT NULL DEFAULT 0,
  data TEXT NOT NULL,
  receipt TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS tickets_expiry ON tickets (expires_at);
CREATE TABLE IF NOT EXISTS redemptions (
  jti TEXT PRIMARY KEY,
  exp INTEGER NOT NULL
);
`;

/**
 * Schema changes after v1, in order; entry i brings version i to i + 1: SQL, or
 * a synchronous step that may also write the log. Never edit one that has shipped: append another.
 */
export const MIGRATIONS: readonly (string | ((sql: SqlStorage) => void))[] = [
  // 1 (v2): a credential may be held `pending` until an existing one approves it
  // (docs/adding-a-passkey.md ("Adding a passkey")); `approved_by` says who let it in ('first',
  // 'recovery', 'open' or the approving credential's id); `pending_ticket` is
  // the enrollment ticket holding it. SQLite cannot alter a CHECK, so the table
  // is rebuilt. Tickets keep the accepted response's hash and the first
  // answer's body, so a byte-identical retry after a 503 gets that answer.
  `
  CREATE TABLE credentials_v2 (
    id TEXT PRIMARY KEY,
    public_key BLOB NOT NULL,
    alg INTEGER NOT NULL,
    counter INTEGER NOT NULL,
    aaguid TEXT NOT NULL,
    backup_eligible INTEGER NOT NULL,
    backed_up INTEGER NOT NULL,
    transports TEXT NOT NULL,
    fmt TEXT NOT NULL,
    attested INTEGER NOT NULL DEFAULT 0,
    authenticator_name TEXT,
    state TEXT NOT NULL CHECK (state IN ('active', 'revoked', 'locked', 'pending')),
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    approved_by TEXT,
    pending_ticket TEXT
  );
  INSERT INTO credentials_v2 (id, public_key, alg, counter, aaguid, backup_eligible, backed_up, transports, fmt,
      attested, authenticator_name, state, created_at, last_used_at)
    SELECT id, public_key, alg, counter, aaguid, backup_eligible, backed_up, transports, fmt,
      attested, authenticator_name, state, created_at, last_used_at FROM credentials;
  DROP TABLE credentials;
  ALTER TABLE credentials_v2 RENAME TO credentials;
  ALTER TABLE tickets ADD COLUMN accepted TEXT;
  ALTER TABLE tickets ADD COLUMN result TEXT;
  `,
  // 2 (v2): the durable "has enrolled before" marker (docs/adding-a-passkey.md ("Adding a passkey")).
  // Every later credential needs an existing one's approval; rows alone could
  // be lost to a bug that deletes them, and the next enrollment would then be
  // a first one again. Set for any vault that already holds a credential.
  `
  INSERT INTO meta (k, v) SELECT 'has_enrolled', '1' WHERE EXISTS (SELECT 1 FROM credentials)
    ON CONFLICT (k) DO NOTHING;
  `,
  // 3 (v2): the per-user transparency log (docs/evidence.md ("The log"): complete subtrees and
  // entries, worker/vault/storage/log-sql-store.ts) and what evidence bundles need, stored at the
  // moment of the change: each credential's registration as received
  // (`enrollment`, JSON; null for credentials enrolled before, whose evidence has
  // `enrollment: null`) and its `enrolled` entry's index; each approval's accepted
  // assertion, its ticket's data (action, display, statement) and `approved` entry's index (storage/evidence.ts).
  `
  ${LOG_SCHEMA}
  ALTER TABLE credentials ADD COLUMN enrollment TEXT;
  ALTER TABLE credentials ADD COLUMN enrolled_index INTEGER;
  CREATE TABLE IF NOT EXISTS evidence (
    hash TEXT PRIMARY KEY,
    credential_id TEXT NOT NULL,
    assertion TEXT NOT NULL,
    receipt TEXT NOT NULL,
    ticket_data TEXT NOT NULL,
    approved_index INTEGER NOT NULL,
    approved_at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS evidence_age ON evidence (approved_at);
  `,
  // 4 (v2, agents; docs/agents.md ("Waiting for an approval")): an action ticket's `reference`, the hash of its
  // `statusToken` (never the token), its `callbackUrl`, and whether its expiry has been told.
  // `deliveries`: webhooks owed, each retried under its own id until a 2xx or its last try;
  // written in the same transaction as the change it tells of (worker/webhooks/); `log_size`: the
  // user's log size after that change, whose checkpoint the body gets at its first try.
  `
  ALTER TABLE tickets ADD COLUMN reference TEXT;
  ALTER TABLE tickets ADD COLUMN status_token TEXT;
  ALTER TABLE tickets ADD COLUMN callback_url TEXT;
  ALTER TABLE tickets ADD COLUMN expiry_sent INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX IF NOT EXISTS tickets_callback_expiry ON tickets (expires_at) WHERE callback_url IS NOT NULL AND expiry_sent = 0;
  CREATE TABLE IF NOT EXISTS deliveries (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    body TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    log_size INTEGER
  );
  CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (next_at);
  `,
  // 5 (v2, offline): offline grants (docs/api.md "Offline
  // approvals"). A grant is a service-made nonce a device signs into an offline
  // statement; it is used once, like a ticket, and keeps the receipt of its use
  // and the accepted proof's hash, so a retry of the same proof is told it.
  `
  CREATE TABLE IF NOT EXISTS offline_grants (
    nonce TEXT PRIMARY KEY,
    iss TEXT NOT NULL,
    aud TEXT NOT NULL,
    sub TEXT NOT NULL,
    types TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'used')),
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    used_at INTEGER,
    receipt TEXT,
    accepted TEXT
  );
  CREATE INDEX IF NOT EXISTS offline_grants_expiry ON offline_grants (expires_at);
  `,
  // 6 (v3, custody): the approvals that let credentials in, kept for good, and one run of
  // `migrated` enrolled entries for the credentials that have no entry or no kept approval
  // (migrate-custody.ts), in this migration's transaction, before any other entry.
  (sql) => migrateCustody(sql),
  // 7 (v3, batches; docs/batches.md): a batch's items, in chunks apart from its ticket's row
  // (storage/batch-items.ts), and the items of batch receipts already redeemed, one row each
  // (storage/item-redemptions.ts). IF NOT EXISTS: safe whatever order v3 migrations land in.
  `
  CREATE TABLE IF NOT EXISTS batch_items (
    hash TEXT NOT NULL,
    seq INTEGER NOT NULL,
    items TEXT NOT NULL,
    PRIMARY KEY (hash, seq)
  );
  CREATE TABLE IF NOT EXISTS item_redemptions (
    jti TEXT NOT NULL,
    idx INTEGER NOT NULL,
    exp INTEGER NOT NULL,
    PRIMARY KEY (jti, idx)
  );
  CREATE INDEX IF NOT EXISTS item_redemptions_exp ON item_redemptions (exp);
  `,
  // 8 (v3, quorum; docs/quorum.md): what this user's approvals owe their quorums. An approver's
  // approval is committed here first, then handed to the quorum's object; `quorum_handoffs` keeps
  // each hand-off (and each burned approver ticket's) until it arrives, retried by the alarm.
  // `quorum_evidence`: which approval (its ticket's evidence row) this user gave each quorum, for the quorum's evidence.
  // `served_at`: when an approver's ticket first served its options; its counter rule reads that
  // time in place of the ticket's creation (a quorum ticket lives up to 7 days).
  `
  CREATE TABLE IF NOT EXISTS quorum_handoffs (
    id TEXT PRIMARY KEY,
    ticket TEXT NOT NULL,
    quorum_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('approve', 'burn')),
    body TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS quorum_handoffs_due ON quorum_handoffs (next_at);
  CREATE TABLE IF NOT EXISTS quorum_evidence (
    quorum_id TEXT PRIMARY KEY,
    hash TEXT NOT NULL
  );
  ALTER TABLE tickets ADD COLUMN served_at INTEGER;
  `,
];

/** Create the v1 tables if absent, then apply every migration this vault has not had, in one transaction each. */
export function migrate(storage: DurableObjectStorage): void {
  const sql = storage.sql;
  sql.exec(SCHEMA);
  const read = () =>
    Number(
      sql.exec<{ v: string }>("SELECT v FROM meta WHERE k = 'schema_version'").toArray()[0]?.v ?? 0,
    );
  for (let version = read(); version < MIGRATIONS.length; version++) {
    storage.transactionSync(() => {
      const step = MIGRATIONS[version]!;
      if (typeof step === 'string') sql.exec(step);
      else step(sql);
      sql.exec(
        "INSERT INTO meta (k, v) VALUES ('schema_version', ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v",
        String(version + 1),
      );
    });
  }
}
