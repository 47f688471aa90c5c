// @ts-check
/**
 * The storage steps of verifyAction's commit, each run N times inside the
 * object (one RPC per batch, not per iteration) for figure 1's steps table:
 * the bench UserVault (cpu-vault.js) delegates its methods to these, handing
 * them its storage, its log (reached through the seam, state-seam.ts) and its
 * scratch tickets (cpu-vault-rows.js).
 */
import { commitApproval } from '../../worker/vault/commits/commit-approval';
import { advanceCounter } from '../../worker/vault/storage/credentials';
import { insertEvidence, pruneEvidence } from '../../worker/vault/storage/evidence';
import { consumeGuarded } from '../../worker/vault/storage/tickets';
import { getCredential } from '../../worker/vault/storage/credentials';
import { loadTicket } from '../../worker/vault/storage/tickets';
import { SCRATCH_CREDENTIAL } from './cpu-vault-rows.js';

/**
 * @typedef {import('../../worker/vault/storage/vault-log').VaultLog} VaultLog
 * @typedef {import('./cpu-vault-rows.js').Scratch} Scratch
 */

/**
 * N iterations of one storage step, inside the object:
 * `reads` — verifyAction's reads (`loadTicket`, `getCredential`);
 * `commit` — a write transaction of two small unguarded UPDATEs, for scale.
 * @param {DurableObjectStorage} storage the object's
 * @param {'reads' | 'commit'} kind
 * @param {number} n
 * @param {string} hash a consumed ticket of this user
 * @param {string} credentialId this user's credential
 */
export function sqlSteps(storage, kind, n, hash, credentialId) {
  const sql = storage.sql;
  let rows = 0;
  for (let i = 0; i < n; i++) {
    if (kind === 'reads') {
      rows += loadTicket(sql, hash, 'action') ? 1 : 0;
      rows += getCredential(sql, credentialId) ? 1 : 0;
    } else {
      storage.transactionSync(() => {
        rows += sql.exec(
          'UPDATE credentials SET last_used_at = ? WHERE id = ?',
          Date.now() + i,
          credentialId,
        ).rowsWritten;
        rows += sql.exec('UPDATE tickets SET receipt = receipt WHERE hash = ?', hash).rowsWritten;
      });
    }
  }
  return rows;
}

/**
 * N appends of an `approved`-sized entry to this object's log, each in its
 * own transactionSync, as a verify's commit appends one (figure 7a: the
 * log's share of a verify). The scratch object's log only grows.
 * @param {DurableObjectStorage} storage the object's
 * @param {VaultLog} log the object's log
 * @param {number} n
 */
export function logAppends(storage, log, n) {
  let last = 0;
  for (let i = 0; i < n; i++) {
    const at = Math.floor(Date.now() / 1000);
    last = storage.transactionSync(() =>
      log.append({
        v: 1,
        kind: 'approved',
        at,
        sub: 'bench-user-log',
        cred: 'A'.repeat(43),
        challenge: 'B'.repeat(43),
        act: 'C'.repeat(43),
        aud: 'payments-api',
        jti: `bench-${i}-${at}-${'D'.repeat(12)}`,
      }),
    );
  }
  return last + 1;
}

/**
 * verifyAction's commit built up one write at a time, N iterations inside
 * the object (no RPC), each in its own transactionSync on the next scratch
 * ticket, so the steps table splits what v2 added to a commit:
 * `floor` the stateful floor's one guarded UPDATE; `guard` consumeGuarded
 * (every guard, the receipt into the row); `counter` + advanceCounter;
 * `log` + the `approved` entry; `evidence` + pruneEvidence and the evidence
 * row: the whole of commitApproval.
 * @param {DurableObjectStorage} storage the object's
 * @param {VaultLog} log the object's log
 * @param {Scratch} scratch the object's scratch tickets (next unused, how many made)
 * @param {'floor' | 'guard' | 'counter' | 'log' | 'evidence'} part
 * @param {number} n
 * @param {string} receipt a real receipt
 * @param {string} assertion a real posted body, as the evidence keeps it
 */
export function commitSplit(storage, log, scratch, part, n, receipt, assertion) {
  const sql = storage.sql;
  const upTo = ['floor', 'guard', 'counter', 'log', 'evidence'].indexOf(part);
  let done = 0;
  for (let i = 0; i < n; i++) {
    if (scratch.next >= scratch.made) throw new Error('benchCommitSplit: out of scratch tickets');
    const hash = `bench-scratch-${scratch.next++}`;
    const now = Date.now();
    const a = {
      hash,
      now,
      receipt,
      accepted: 'A'.repeat(43),
      credentialId: SCRATCH_CREDENTIAL,
      counter: 0,
    };
    storage.transactionSync(() => {
      if (upTo === 0) {
        done += sql.exec(
          "UPDATE tickets SET state = 'consumed', receipt = 'floor' WHERE hash = ? AND state = 'pending' AND expires_at > ?",
          hash,
          now,
        ).rowsWritten;
        return;
      }
      if (!consumeGuarded(sql, a)) throw new Error('benchCommitSplit: scratch ticket not consumed');
      done++;
      if (upTo >= 2) advanceCounter(sql, SCRATCH_CREDENTIAL, 0, false, now);
      const at = Math.floor(now / 1000);
      const index =
        upTo >= 3
          ? log.append({
              v: 1,
              kind: 'approved',
              at,
              sub: 'bench',
              cred: SCRATCH_CREDENTIAL,
              challenge: 'A'.repeat(43),
              act: 'A'.repeat(43),
              aud: 'bench',
              jti: `bench-${hash}`,
            })
          : 0;
      if (upTo >= 4) {
        pruneEvidence(sql, 0);
        insertEvidence(sql, {
          hash,
          credential_id: SCRATCH_CREDENTIAL,
          receipt,
          assertion,
          approved_index: index,
          approved_at: now,
        });
      }
    });
  }
  return done;
}

/**
 * verifyAction's commit, the real `commitApproval` (the guarded UPDATE, the
 * counter, the `approved` log entry and the evidence row, in one
 * transaction), on the next scratch ticket and the scratch credential
 * (counter 0 stays 0, as a synced passkey's does).
 * @param {DurableObjectStorage} storage the object's
 * @param {VaultLog} log the object's log
 * @param {Scratch} scratch the object's scratch tickets (next unused, how many made)
 * @param {string} receipt a real receipt, written into the ticket row as verifyAction does
 */
export function commitOnce(storage, log, scratch, receipt) {
  if (scratch.next >= scratch.made)
    throw new Error('benchCommit: out of scratch tickets (raise SCRATCH_TICKETS)');
  const now = Date.now();
  commitApproval(storage, log, {
    hash: `bench-scratch-${scratch.next++}`,
    now,
    receipt,
    credentialId: SCRATCH_CREDENTIAL,
    counter: 0,
    backedUp: false,
    ticketCreatedAt: 0,
    accepted: 'bench',
    entry: {
      v: 1,
      kind: 'approved',
      at: Math.floor(now / 1000),
      sub: 'bench',
      cred: SCRATCH_CREDENTIAL,
      challenge: 'A'.repeat(43),
      act: 'A'.repeat(43),
      aud: 'bench',
      jti: `bench-${scratch.next}`,
    },
    evidence: { assertion: '{}' },
    evidenceKeptSince: 0,
  });
  return 1;
}
