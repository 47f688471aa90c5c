/**
 * The approvals that let a passkey in (migration 6): the `psea.credential.add`
 * statement and the approver's assertion exactly as accepted, kept for as long
 * as the log (never pruned by EVIDENCE_TTL_DAYS), because every later bundle's
 * chain of custody through this credential shows them (docs/evidence.md).
 */
export type CredentialApprovalRow = {
  /** The credential the approval let in. */
  cred: string;
  approver: string;
  /** The statement's JSON text, as served and signed. */
  statement: string;
  /** The AuthenticationResponseJSON text exactly as posted and accepted. */
  assertion: string;
};

export const CREDENTIAL_APPROVALS_SCHEMA = `
CREATE TABLE IF NOT EXISTS credential_approvals (
  cred TEXT PRIMARY KEY,
  approver TEXT NOT NULL,
  statement TEXT NOT NULL,
  assertion TEXT NOT NULL
);
`;

export function keepCredentialApproval(sql: SqlStorage, row: CredentialApprovalRow): void {
  sql.exec(
    'INSERT INTO credential_approvals (cred, approver, statement, assertion) VALUES (?, ?, ?, ?)',
    row.cred,
    row.approver,
    row.statement,
    row.assertion,
  );
}

export function credentialApproval(
  sql: SqlStorage,
  cred: string,
): CredentialApprovalRow | undefined {
  return sql
    .exec<CredentialApprovalRow>(
      'SELECT cred, approver, statement, assertion FROM credential_approvals WHERE cred = ?',
      cred,
    )
    .toArray()[0];
}
