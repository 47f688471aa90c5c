// @ts-check
/**
 * The cpu worker's Durable Object: the real UserVault, plus bench-only
 * methods (its state reached through the seam, state-seam.ts) that run storage steps of verifyAction inside the object, and the
 * object's half of the stateful floor. The methods the Worker calls are
 * inherited unchanged.
 */
import { decodeB64url } from '../../packages/psea/src/internal/base64url';
import { commitApproval } from '../../worker/vault/commits/commit-approval';
import { advanceCounter } from '../../worker/vault/storage/credentials';
import { insertEvidence, pruneEvidence } from '../../worker/vault/storage/evidence';
import { consumeGuarded } from '../../worker/vault/storage/tickets';
import { getCredential } from '../../worker/vault/storage/credentials';
import { loadTicket } from '../../worker/vault/storage/tickets';
import { vaultState } from '../../worker/vault/state-seam';
import { UserVault as RealUserVault } from '../../worker/vault/user-vault';
import { derToRaw, floorKeys, floorOnce } from './floor.js';

/** @typedef {import('../../worker/env').Env & { BENCH: import('./fixture.js').BenchFixture }} BenchEnv */

/**
 * Pending scratch tickets made for `do-commit-real-rpc` and `stateful-floor`,
 * one per call: more than a full run uses (50 + 5 × 400 and 50 + 7 × 400).
 */
export const SCRATCH_TICKETS = 20000;
const SCRATCH_CREDENTIAL = 'bench-scratch';

/** Storage loops run inside the object: one RPC per batch, not per iteration. */
export class UserVault extends RealUserVault {
  /** @returns {null} */
  benchPing() {
    return null;
  }

  /** Empty the object's memory of pending tickets and credentials, as if it had just started, so the next approvals read their rows (verify-cold). */
  benchForget() {
    vaultState(this).pending.clear();
    vaultState(this).credentials.clear();
    return null;
  }

  /** Next unused scratch ticket, and how many there are. */
  #scratch = { next: 0, made: 0 };

  /**
   * N iterations of one storage step, inside the object:
   * `reads` — verifyAction's reads (`loadTicket`, `getCredential`);
   * `commit` — a write transaction of two small unguarded UPDATEs, for scale.
   * @param {'reads' | 'commit'} kind
   * @param {number} n
   * @param {string} hash a consumed ticket of this user
   * @param {string} credentialId this user's credential
   */
  benchSql(kind, n, hash, credentialId) {
    const sql = this.ctx.storage.sql;
    let rows = 0;
    for (let i = 0; i < n; i++) {
      if (kind === 'reads') {
        rows += loadTicket(sql, hash, 'action') ? 1 : 0;
        rows += getCredential(sql, credentialId) ? 1 : 0;
      } else {
        this.ctx.storage.transactionSync(() => {
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
   * Rows as `n` approvals leave them, for figure 10's objects at SQLite's cap:
   * each an approved ticket row (its data and receipt as long as a real
   * one's), its `approved` log entry and its evidence row, in one transaction.
   * @param {number} n
   */
  benchApprovalRows(n) {
    const sql = this.ctx.storage.sql;
    const log = vaultState(this).log;
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      for (let k = 0; k < n; k++) {
        const hash = `bench-approved-${k}`;
        sql.exec(
          `INSERT INTO tickets (hash, kind, state, challenge, expires_at, failures, data, receipt, created_at)
           VALUES (?, 'action', 'consumed', ?, ?, 0, ?, ?, ?)`,
          hash,
          'A'.repeat(43),
          now + 3_600_000,
          'D'.repeat(592),
          'R'.repeat(847),
          now,
        );
        const index = log.append({
          v: 1,
          kind: 'approved',
          at: Math.floor(now / 1000),
          sub: 'bench',
          cred: 'C'.repeat(43),
          challenge: 'A'.repeat(43),
          act: 'H'.repeat(43),
          aud: 'bench',
          jti: `bench-${k}`,
        });
        insertEvidence(sql, {
          hash,
          credential_id: 'C'.repeat(43),
          receipt: 'R'.repeat(847),
          assertion: 'S'.repeat(646),
          approved_index: index,
          approved_at: now,
        });
      }
    });
    return n;
  }

  /** How many long-poll waits this object holds right now (issue 17's waiters figure). */
  benchWaiters() {
    return vaultState(this).waiters.size;
  }

  /**
   * N appends of an `approved`-sized entry to this object's log, each in its
   * own transactionSync, as a verify's commit appends one (figure 7a: the
   * log's share of a verify). The scratch object's log only grows.
   * @param {number} n
   */
  benchLogAppend(n) {
    const log = vaultState(this).log;
    let last = 0;
    for (let i = 0; i < n; i++) {
      const at = Math.floor(Date.now() / 1000);
      last = this.ctx.storage.transactionSync(() =>
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
   * Scratch rows for benchCommit, so real tickets and counters stay as they
   * are: `count` pending copies of a real ticket (same data, same size) and a
   * copy of a real credential at counter 0. Made once, before any timed batch.
   * @param {number} count
   * @param {string} hash a ticket of this user
   * @param {string} credentialId this user's credential
   */
  benchScratch(count, hash, credentialId) {
    const sql = this.ctx.storage.sql;
    this.ctx.storage.transactionSync(() => {
      sql.exec(
        `INSERT OR IGNORE INTO credentials (id, public_key, alg, counter, aaguid, backup_eligible, backed_up, transports, fmt,
           attested, authenticator_name, state, created_at, last_used_at)
         SELECT ?, public_key, alg, 0, aaguid, backup_eligible, backed_up, transports, fmt,
           attested, authenticator_name, 'active', created_at, last_used_at FROM credentials WHERE id = ?`,
        SCRATCH_CREDENTIAL,
        credentialId,
      );
      for (let k = this.#scratch.made; k < count; k++) {
        sql.exec(
          `INSERT INTO tickets (hash, kind, state, challenge, expires_at, failures, data, receipt, created_at)
           SELECT ?, kind, 'pending', challenge, expires_at, 0, data, NULL, created_at FROM tickets WHERE hash = ?`,
          `bench-scratch-${k}`,
          hash,
        );
      }
    });
    this.#scratch.made = Math.max(this.#scratch.made, count);
    return this.#scratch.made;
  }

  /** @type {Promise<import('./floor.js').FloorKeys> | undefined} */
  #floorKeys;

  /**
   * The object's half of the stateful floor: decode the assertion's three
   * fields, the crypto floor (floor.js), then consume one pending ticket with a
   * single guarded UPDATE, the least an exactly-once commit writes (the next
   * scratch ticket, so real tickets stay as they are).
   * @param {{ response: { clientDataJSON: string, authenticatorData: string, signature: string } }} assertion
   * @param {string} ticket the raw ticket, hashed by the floor
   * @param {string} [row] the pending row to consume (the route of figure 2's stateful floor names it); else the next scratch ticket
   * @returns {Promise<Uint8Array>} the receipt's signature
   */
  async benchStatefulFloor(assertion, ticket, row) {
    if (row === undefined && this.#scratch.next >= this.#scratch.made)
      throw new Error('benchStatefulFloor: out of scratch tickets (raise SCRATCH_TICKETS)');
    this.#floorKeys ??= floorKeys(/** @type {BenchEnv} */ (this.env).BENCH);
    const r = assertion.response;
    const signature = await floorOnce(await this.#floorKeys, {
      clientDataJSON: decodeB64url(r.clientDataJSON),
      authenticatorData: decodeB64url(r.authenticatorData),
      signature: derToRaw(decodeB64url(r.signature)),
      ticket: /** @type {Uint8Array<ArrayBuffer>} */ (new TextEncoder().encode(ticket)),
    });
    const consumed = this.ctx.storage.sql.exec(
      "UPDATE tickets SET state = 'consumed', receipt = 'floor' WHERE hash = ? AND state = 'pending' AND expires_at > ?",
      row ?? `bench-scratch-${this.#scratch.next++}`,
      Date.now(),
    ).rowsWritten;
    if (consumed !== 1) throw new Error('benchStatefulFloor: scratch ticket not consumed');
    return signature;
  }

  /**
   * Pending rows `bench-floor-0` … `bench-floor-<count − 1>` for the stateful
   * floor route (figure 2), in an object with no real ticket to copy. They
   * are named, not counted in memory: an object idle for 10 s is evicted, and
   * its memory with it. Their data is as long as a real action ticket's.
   * @param {number} count
   * @param {string} data
   */
  benchFloorTickets(count, data) {
    const sql = this.ctx.storage.sql;
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      for (let k = 0; k < count; k++) {
        sql.exec(
          `INSERT OR IGNORE INTO tickets (hash, kind, state, challenge, expires_at, failures, data, receipt, created_at)
           VALUES (?, 'action', 'pending', ?, ?, 0, ?, NULL, ?)`,
          `bench-floor-${k}`,
          'A'.repeat(43),
          now + 3_600_000,
          data,
          now,
        );
      }
    });
    return count;
  }

  /**
   * verifyAction's commit built up one write at a time, N iterations inside
   * the object (no RPC), each in its own transactionSync on the next scratch
   * ticket, so the steps table splits what v2 added to a commit:
   * `floor` the stateful floor's one guarded UPDATE; `guard` consumeGuarded
   * (every guard, the receipt into the row); `counter` + advanceCounter;
   * `log` + the `approved` entry; `evidence` + pruneEvidence and the evidence
   * row: the whole of commitApproval.
   * @param {'floor' | 'guard' | 'counter' | 'log' | 'evidence'} part
   * @param {number} n
   * @param {string} receipt a real receipt
   * @param {string} assertion a real posted body, as the evidence keeps it
   */
  benchCommitSplit(part, n, receipt, assertion) {
    const sql = this.ctx.storage.sql;
    const log = vaultState(this).log;
    const upTo = ['floor', 'guard', 'counter', 'log', 'evidence'].indexOf(part);
    let done = 0;
    for (let i = 0; i < n; i++) {
      if (this.#scratch.next >= this.#scratch.made)
        throw new Error('benchCommitSplit: out of scratch tickets');
      const hash = `bench-scratch-${this.#scratch.next++}`;
      const now = Date.now();
      const a = {
        hash,
        now,
        receipt,
        accepted: 'A'.repeat(43),
        credentialId: SCRATCH_CREDENTIAL,
        counter: 0,
      };
      this.ctx.storage.transactionSync(() => {
        if (upTo === 0) {
          done += sql.exec(
            "UPDATE tickets SET state = 'consumed', receipt = 'floor' WHERE hash = ? AND state = 'pending' AND expires_at > ?",
            hash,
            now,
          ).rowsWritten;
          return;
        }
        if (!consumeGuarded(sql, a))
          throw new Error('benchCommitSplit: scratch ticket not consumed');
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
   * @param {string} receipt a real receipt, written into the ticket row as verifyAction does
   */
  benchCommit(receipt) {
    if (this.#scratch.next >= this.#scratch.made)
      throw new Error('benchCommit: out of scratch tickets (raise SCRATCH_TICKETS)');
    const now = Date.now();
    const log = vaultState(this).log;
    commitApproval(this.ctx.storage, log, {
      hash: `bench-scratch-${this.#scratch.next++}`,
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
        jti: `bench-${this.#scratch.next}`,
      },
      evidence: { assertion: '{}' },
      evidenceKeptSince: 0,
    });
    return 1;
  }
}

/**
 * The namespace typed with the bench methods (the binding is this class).
 * @param {BenchEnv} env
 */
export const benchVaults = (env) =>
  /** @type {DurableObjectNamespace<UserVault>} */ (/** @type {unknown} */ (env.VAULT));
