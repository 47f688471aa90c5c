/**
 * One Durable Object per quorum (docs/quorum.md): the quorum's own state
 * decides. It records each approver's approval once, in order; the approval
 * that meets every group mints the one quorum receipt, its `jti` fixed at
 * creation; a cancel, an expiry (told by the alarm, whether anyone looks or
 * not) or a group that can no longer be met closes it for good, and nothing
 * is counted after. Approvers' vaults hand their committed approvals here,
 * again and again until one arrives (worker/vault/quorum-approval.ts), so a
 * hand-off may come twice: the second gets the first's answer.
 *
 * Every decision but the approval that meets the quorum is synchronous
 * (read and write with no await between). That one signs the receipt (an
 * await) inside blockConcurrencyWhile, deciding again first, so no other
 * hand-off, burn or cancel interleaves with it: of concurrent approvals that
 * could each meet the quorum, exactly one does.
 */
import { DurableObject } from 'cloudflare:workers';
import { getSigningKeys } from '../config';
import type { Env } from '../env';
import { ProblemError } from '../errors';
import type { SigningKey } from '../../packages/psea/src/receipt/types';
import { outcome } from '../vault/outcome';
import { StatusWaiters } from '../vault/memory/status-waiters';
import type { Outcome } from '../vault/types';
import { groupOf, isMet, isUnreachable, status, summary, view } from './decide';
import { deliverDue, nextDeliveryAt, queueQuorumEvent } from './quorum-events';
import {
  closeQuorum,
  createTables,
  insertQuorum,
  readQuorum,
  recordApproval,
  recordedApprovals,
  removeApprover,
  removedApprovers,
  type QuorumRow,
  type RecordedApproval,
} from './quorum-store';
import { quorumClaims, signQuorumReceipt } from './sign-quorum-receipt';
import type {
  Handoff,
  HandoffAnswer,
  QuorumRecord,
  QuorumState,
  QuorumStatus,
  QuorumView,
} from './types';

/**
 * How long after its expiry a quorum is decided expired: a verify that began
 * before the expiry may still commit in its vault and hand over. Reads show
 * `pending` until then, so a quorum is never told expired and then approved.
 */
const QUORUM_EXPIRY_GRACE_MS = 5_000;

const TOKEN_REQUIRED = "a valid API key or this quorum's statusToken is required";

export class Quorum extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly waiters = new StatusWaiters<QuorumStatus>({ perTicket: 256, total: 256 });
  private readonly inFlight = new Set<string>();
  /** The quorum's record once read: it never changes. */
  private record: QuorumRecord | undefined;
  /** Hand-offs to refuse (as a failed call) before one is taken: the retried hand-off's test. */
  refuseHandoffs = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    createTables(this.sql);
  }

  // ---- the service's calls ----

  /** Store the quorum (the route's last step: before it, no approval can reach a quorum). */
  async create(record: QuorumRecord): Promise<Outcome<null>> {
    return outcome(async () => {
      insertQuorum(this.sql, record);
      this.schedule();
      return null;
    });
  }

  /** Its state, read first by every verify on an approver's ticket. */
  async state(now: number): Promise<Outcome<{ state: QuorumState }>> {
    return outcome(async () => ({ state: this.current(now).state }));
  }

  /** The `quorum` member of an approver's `GET /v1/actions/:ticket`. */
  async describe(now: number): Promise<Outcome<QuorumView>> {
    return outcome(async () => {
      const row = this.current(now);
      return view(row.record, row.state, recordedApprovals(this.sql));
    });
  }

  /** `GET /v1/quorums/:id[?wait=S]`; `tokenHash` when the caller showed a statusToken, not an API key. */
  async status(
    now: number,
    tokenHash: string | undefined,
    waitMs: number,
  ): Promise<Outcome<QuorumStatus>> {
    return outcome(async () => {
      if (tokenHash !== undefined && this.read()?.record.statusTokenHash !== tokenHash)
        throw new ProblemError('unauthorized', TOKEN_REQUIRED);
      const first = this.statusNow(now);
      if (first.state !== 'pending' || waitMs <= 0) return first;
      const until = Math.min(
        now + waitMs,
        this.current(now).record.expiresAt + QUORUM_EXPIRY_GRACE_MS,
      );
      return (
        (await this.waiters.wait('quorum', until - now)) ??
        this.statusNow(Math.max(Date.now(), until))
      );
    });
  }

  /** `DELETE /v1/quorums/:id`: cancelled, or 409 quorum_closed when no longer pending. */
  async cancel(now: number): Promise<Outcome<null>> {
    return outcome(async () => {
      const row = this.current(now);
      if (row.state !== 'pending')
        throw new ProblemError('quorum_closed', `the quorum is ${row.state}`);
      this.close(row.record, 'cancelled', now);
      return null;
    });
  }

  /** What the quorum's evidence needs of it: 409 not_approved until approved. */
  async evidenceOf(
    now: number,
  ): Promise<Outcome<{ record: QuorumRecord; receipt: string; approvals: RecordedApproval[] }>> {
    return outcome(async () => {
      const row = this.current(now);
      if (row.state !== 'approved' || !row.receipt)
        throw new ProblemError('not_approved', `the quorum is ${row.state}`);
      // Nothing is recorded once it closed: the approvals are exactly the receipt's `apv`, in its order.
      return { record: row.record, receipt: row.receipt, approvals: recordedApprovals(this.sql) };
    });
  }

  // ---- approvers' vaults ----

  /** A committed approval (docs/quorum.md "Who decides"): counted once, or told the quorum is closed. */
  async approve(h: Handoff): Promise<Outcome<HandoffAnswer>> {
    if (this.refuseHandoffs > 0) {
      this.refuseHandoffs--;
      throw new Error('hand-off refused');
    }
    return outcome(async () => {
      // Any approval but the one that meets the quorum is decided here, with no await: nothing interleaves.
      const now = Date.now();
      const quick = this.decide(h, now);
      if (quick) return quick;
      const { signer } = await getSigningKeys(this.env);
      let result = { error: new Error('not decided') } as
        { answer: HandoffAnswer } | { error: unknown };
      // A throw inside would reset the object: caught, and thrown after.
      await this.ctx.blockConcurrencyWhile(async () => {
        try {
          result = { answer: await this.meet(h, signer) };
        } catch (error) {
          result = { error };
        }
      });
      if ('error' in result) throw result.error;
      return result.answer;
    });
  }

  /** An approver's ticket burned: that approver is removed; a group that can no longer be met burns the quorum. */
  async approverBurned(user: string, now: number): Promise<Outcome<null>> {
    return outcome(async () => {
      const row = this.current(now);
      if (row.state !== 'pending') return null;
      this.ctx.storage.transactionSync(() => {
        removeApprover(this.sql, user);
        if (
          isUnreachable(row.record.groups, recordedApprovals(this.sql), removedApprovers(this.sql))
        )
          this.close(row.record, 'burned', now);
      });
      return null;
    });
  }

  /** The expiry and the webhooks due at `now` (the alarm's work; tests call it with a later clock). */
  async tick(now: number): Promise<void> {
    if (this.read()) this.current(now);
    try {
      await deliverDue(this.sql, this.env, this.inFlight);
    } finally {
      this.schedule();
    }
  }

  override async alarm(): Promise<void> {
    await this.tick(Date.now());
  }

  // ---- inside ----

  /** The answer to a hand-off, recorded; undefined when this approval would meet the quorum (then `meet`). Synchronous. */
  private decide(h: Handoff, now: number): HandoffAnswer | undefined {
    const row = this.current(now);
    const { record } = row;
    const approvals = recordedApprovals(this.sql);
    // Counted before: the same answer again, with the receipt if this approval met the quorum.
    if (approvals.some((a) => a.user === h.user)) {
      const answer: HandoffAnswer = {
        counted: true,
        quorum: summary(record, row.state, approvals),
      };
      return row.metBy === h.user && row.receipt ? { ...answer, receipt: row.receipt } : answer;
    }
    if (row.state !== 'pending')
      return { counted: false, quorum: summary(record, row.state, approvals) };
    if (groupOf(record.groups, h.user) !== h.grp)
      throw new ProblemError('invalid_request', 'not an approver of this quorum');
    const next = [...approvals, { user: h.user, grp: h.grp, apv: h.apv }];
    if (!isMet(record.groups, next)) {
      recordApproval(this.sql, next.at(-1)!);
      return { counted: true, quorum: summary(record, 'pending', next) };
    }
    return undefined;
  }

  /** The approval that meets it, inside blockConcurrencyWhile: decided afresh, signed (an await), then recorded and closed in one turn. */
  private async meet(h: Handoff, signer: SigningKey): Promise<HandoffAnswer> {
    const now = Date.now();
    const decided = this.decide(h, now);
    if (decided) return decided;
    const { record } = this.current(now);
    const next = [...recordedApprovals(this.sql), { user: h.user, grp: h.grp, apv: h.apv }];
    const receipt = await signQuorumReceipt(quorumClaims(record, next, now), signer);
    this.ctx.storage.transactionSync(() => {
      recordApproval(this.sql, next.at(-1)!);
      this.close(record, 'approved', now, receipt, h.user);
    });
    return { counted: true, quorum: summary(record, 'approved', next), receipt };
  }

  private read(): QuorumRow | undefined {
    const row = readQuorum(this.sql, this.record);
    this.record = row?.record;
    return row;
  }

  /** The quorum, expired first when its expiry and grace are past; 404 when there is none. */
  private current(now: number): QuorumRow {
    const row = this.read();
    if (!row) throw new ProblemError('quorum_not_found');
    if (row.state === 'pending' && now >= row.record.expiresAt + QUORUM_EXPIRY_GRACE_MS) {
      this.close(row.record, 'expired', row.record.expiresAt);
      return { ...row, state: 'expired' };
    }
    return row;
  }

  private statusNow(now: number): QuorumStatus {
    const row = this.current(now);
    return status(row.record, row.state, recordedApprovals(this.sql), row.receipt);
  }

  /** Close a pending quorum, queue its webhook in the same turn, wake its long polls. */
  private close(
    record: QuorumRecord,
    state: Exclude<QuorumState, 'pending'>,
    now: number,
    receipt?: string,
    metBy?: string,
  ): void {
    if (!closeQuorum(this.sql, state, receipt, metBy)) return;
    queueQuorumEvent(this.sql, record, state, now, receipt);
    this.schedule();
    if (this.waiters.has('quorum'))
      this.waiters.settle(
        'quorum',
        status(record, state, recordedApprovals(this.sql), receipt ?? null),
      );
  }

  /** The one alarm: the next webhook due, or the expiry of a pending quorum. */
  private schedule(): void {
    const row = this.read();
    const expiry =
      row?.state === 'pending' ? row.record.expiresAt + QUORUM_EXPIRY_GRACE_MS : undefined;
    const times = [nextDeliveryAt(this.sql), expiry].filter((t): t is number => t !== undefined);
    const set = times.length
      ? this.ctx.storage.setAlarm(Math.min(...times))
      : this.ctx.storage.deleteAlarm();
    set.catch((err: unknown) =>
      console.error(
        `[psea] quorum: could not set the alarm: ${err instanceof Error ? err.message : 'unknown'}`,
      ),
    );
  }
}
