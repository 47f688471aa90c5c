// @ts-check
/**
 * The cpu worker's Durable Object: the real UserVault, plus bench-only
 * methods (its state reached through the seam, state-seam.ts) that run storage steps of verifyAction inside the object, and the
 * object's half of the stateful floor. The methods the Worker calls are
 * inherited unchanged. The bench methods' work is in plain functions:
 * the commit steps in cpu-vault-commits.js, the rows made before timing in
 * cpu-vault-rows.js, the stateful floor in cpu-vault-floor.js.
 */
import { vaultState } from '../../worker/vault/state-seam';
import { UserVault as RealUserVault } from '../../worker/vault/user-vault';
import { commitOnce, commitSplit, logAppends, sqlSteps } from './cpu-vault-commits.js';
import { floorTickets, statefulFloor } from './cpu-vault-floor.js';
import { approvalRows, scratchRows } from './cpu-vault-rows.js';
import { floorKeys } from './floor.js';

/** @typedef {import('../../worker/env').Env & { BENCH: import('./fixture.js').BenchFixture }} BenchEnv */

/**
 * Pending scratch tickets made for `do-commit-real-rpc` and `stateful-floor`,
 * one per call: more than a full run uses (50 + 5 × 400 and 50 + 7 × 400).
 */
export const SCRATCH_TICKETS = 20000;

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
   * N iterations of one storage step, inside the object (sqlSteps).
   * @param {'reads' | 'commit'} kind
   * @param {number} n
   * @param {string} hash a consumed ticket of this user
   * @param {string} credentialId this user's credential
   */
  benchSql(kind, n, hash, credentialId) {
    return sqlSteps(this.ctx.storage, kind, n, hash, credentialId);
  }

  /**
   * Rows as `n` approvals leave them, for figure 10's objects at SQLite's cap (approvalRows).
   * @param {number} n
   */
  benchApprovalRows(n) {
    return approvalRows(this.ctx.storage, vaultState(this).log, n);
  }

  /** How many long-poll waits this object holds right now (issue 17's waiters figure). */
  benchWaiters() {
    return vaultState(this).waiters.size;
  }

  /**
   * N appends of an `approved`-sized entry to this object's log (logAppends).
   * @param {number} n
   */
  benchLogAppend(n) {
    return logAppends(this.ctx.storage, vaultState(this).log, n);
  }

  /**
   * Scratch rows for benchCommit, made once, before any timed batch (scratchRows).
   * @param {number} count
   * @param {string} hash a ticket of this user
   * @param {string} credentialId this user's credential
   */
  benchScratch(count, hash, credentialId) {
    return scratchRows(this.ctx.storage, this.#scratch, count, hash, credentialId);
  }

  /** @type {Promise<import('./floor.js').FloorKeys> | undefined} */
  #floorKeys;

  /**
   * The object's half of the stateful floor (statefulFloor).
   * @param {{ response: { clientDataJSON: string, authenticatorData: string, signature: string } }} assertion
   * @param {string} ticket the raw ticket, hashed by the floor
   * @param {string} [row] the pending row to consume; else the next scratch ticket
   * @returns {Promise<Uint8Array>} the receipt's signature
   */
  async benchStatefulFloor(assertion, ticket, row) {
    const keys = () => (this.#floorKeys ??= floorKeys(/** @type {BenchEnv} */ (this.env).BENCH));
    return statefulFloor(this.ctx.storage, keys, this.#scratch, assertion, ticket, row);
  }

  /**
   * Pending rows for the stateful floor route (figure 2) (floorTickets).
   * @param {number} count
   * @param {string} data
   */
  benchFloorTickets(count, data) {
    return floorTickets(this.ctx.storage, count, data);
  }

  /**
   * verifyAction's commit built up one write at a time (commitSplit).
   * @param {'floor' | 'guard' | 'counter' | 'log' | 'evidence'} part
   * @param {number} n
   * @param {string} receipt a real receipt
   * @param {string} assertion a real posted body, as the evidence keeps it
   */
  benchCommitSplit(part, n, receipt, assertion) {
    return commitSplit(
      this.ctx.storage,
      vaultState(this).log,
      this.#scratch,
      part,
      n,
      receipt,
      assertion,
    );
  }

  /**
   * verifyAction's commit, the real `commitApproval`, on the next scratch ticket (commitOnce).
   * @param {string} receipt a real receipt, written into the ticket row as verifyAction does
   */
  benchCommit(receipt) {
    return commitOnce(this.ctx.storage, vaultState(this).log, this.#scratch, receipt);
  }
}

/**
 * The namespace typed with the bench methods (the binding is this class).
 * @param {BenchEnv} env
 */
export const benchVaults = (env) =>
  /** @type {DurableObjectNamespace<UserVault>} */ (/** @type {unknown} */ (env.VAULT));
