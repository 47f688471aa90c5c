/**
 * SQLite schema of one user's vault. Every single-use thing (tickets,
 * receipt redemptions) lives here, beside the credentials whose counters it
 * advances, so one synchronous transaction can check and consume.
 */
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
