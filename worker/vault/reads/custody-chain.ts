/**
 * A bundle's chain of custody (docs/evidence.md "Chain of custody"): from the
 * approving credential's latest `enrolled` entry, one link per addition, each
 * with the `psea.credential.add` statement and assertion the approver signed
 * (kept since the approval) and the approver's own `enrolled` entry with its
 * inclusion proof in the tree of `size`, back to an entry whose `approvedBy`
 * is a root. Takes one approving credential, so a quorum builds one per approver.
 */
import { encodeB64url } from '../../../packages/psea/src/internal/base64url';
import { CUSTODY_ROOTS } from '../../../packages/psea/src/log/log-entry';
import { credentialApproval } from '../storage/credential-approvals';
import { enrollmentOf } from '../storage/credentials';
import type { VaultLog } from '../storage/vault-log';

export interface LoggedEntry {
  index: number;
  entry: Record<string, unknown>;
  proof: string[];
}

export interface CustodyLink {
  added: string;
  statement: unknown;
  assertion: unknown;
  approver: { id: string; publicKey: string; enrolled: LoggedEntry };
}

const ROOTS: ReadonlySet<string> = new Set(CUSTODY_ROOTS);

/** One entry as a bundle carries it: index, entry as logged, inclusion proof in the tree of `size`. */
export function loggedEntry(log: VaultLog, index: number, size: number): LoggedEntry {
  const [found] = log.entries(index, index + 1);
  if (!found || index >= size) throw new Error(`log entry ${index} is missing`);
  return {
    index,
    entry: found.entry as unknown as Record<string, unknown>,
    proof: log.inclusionProof(index, size),
  };
}

/** A credential's latest `enrolled` entry; every credential that can approve has one (migration 6). */
export function enrolledEntryOf(
  sql: SqlStorage,
  log: VaultLog,
  credentialId: string,
  size: number,
): LoggedEntry {
  const cred = enrollmentOf(sql, credentialId);
  if (!cred || cred.enrolled_index === null)
    throw new Error(`credential ${credentialId} has no enrolled entry`);
  return loggedEntry(log, cred.enrolled_index, size);
}

/**
 * The chain from `credentialId` (whose own entry is `enrolled`) to its root: `[]` when that
 * entry's `approvedBy` is a root. At most as many links as the log has entries.
 */
export function custodyOf(
  sql: SqlStorage,
  log: VaultLog,
  enrolled: LoggedEntry,
  size: number,
): CustodyLink[] {
  const links: CustodyLink[] = [];
  let added = enrolled;
  while (!ROOTS.has(String(added.entry.approvedBy))) {
    if (links.length >= size) throw new Error('the chain of custody does not reach a root');
    const cred = String(added.entry.cred);
    const kept = credentialApproval(sql, cred);
    const approverId = String(added.entry.approvedBy);
    const approver = enrollmentOf(sql, approverId);
    if (!kept || kept.approver !== approverId || !approver)
      throw new Error(`no kept approval for credential ${cred}`);
    const approverEntry = enrolledEntryOf(sql, log, approverId, size);
    links.push({
      added: cred,
      statement: JSON.parse(kept.statement) as unknown,
      assertion: JSON.parse(kept.assertion) as unknown,
      approver: {
        id: approverId,
        publicKey: encodeB64url(new Uint8Array(approver.public_key)),
        enrolled: approverEntry,
      },
    });
    added = approverEntry;
  }
  return links;
}
