/**
 * An approver's verify on a quorum ticket (docs/quorum.md). Every check of
 * an action's approval applies; then the vault commits the ticket, the
 * counter, the `approved` entry (with the quorum's `qrm` and its receipt's
 * `jti`), the evidence and the hand-off row in one transaction, and hands
 * the approval to the quorum. No single receipt is ever made, and no
 * `action.*` webhook sent. A failed check counts against the ticket; the
 * fifth burns it, and the burn is handed to the quorum the same way.
 */
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { ProblemError } from '../../errors';
import type { ApprovedEntry } from '../../../packages/psea/src/log/log-entry';
import type { Handoff, HandoffAnswer, QuorumSummary } from '../../quorum/types';
import { refuseCommit } from '../commits/commit-approval';
import { logFailure } from '../commits/log-writes';
import { ceremony, outcome } from '../outcome';
import { pendingAction, type PendingAction } from '../memory/pending-actions';
import { CLOSED_RESULT, handOff } from '../webhooks/quorum-handoff';
import { advanceCounter, receiptCredential } from '../storage/credentials';
import { getHandoff, insertHandoff, insertQuorumEvidence } from '../storage/quorum-handoffs';
import { insertEvidence, pruneEvidence } from '../storage/evidence';
import { getVars } from '../../config';
import {
  assertUsable,
  consumeGuarded,
  loadTicket,
  recordFailure,
  ticketTimes,
} from '../storage/tickets';
import type { ActionTicketData, Outcome } from '../types';
import { entryTime } from '../storage/vault-log';
import { scheduleAlarm } from '../webhooks/webhook-queue';
import type { VaultState } from '../vault-state';

/** The vault's state an approver's verify works on. */
type ApproverKit = VaultState;

export interface ApproverVerify {
  hash: string;
  quorumId: string;
  response: AuthenticationResponseJSON;
  now: number;
  /** base64url SHA-256 of the body as posted: a byte-identical retry is told the first answer. */
  accepted: string;
  posted: string;
}

/** The 200 of an approver's verify. */
export interface ApproverAnswer {
  quorum: QuorumSummary;
  receipt?: string;
}

type Opened = PendingAction & { quorum: NonNullable<ActionTicketData['quorum']>; userId: string };

/** A byte-identical retry of the accepted post is told the first answer (409 ticket_used with it, or quorum_closed). */
function refuseReplay(
  row: { state: string; accepted: string | null; result: string | null },
  accepted: string,
): void {
  if (row.state !== 'consumed' || row.accepted !== accepted || !row.result) return;
  const first = JSON.parse(row.result) as HandoffAnswer | typeof CLOSED_RESULT;
  if ('quorumClosed' in first)
    throw new ProblemError('quorum_closed', 'the quorum closed before this approval reached it');
  throw new ProblemError('ticket_used', undefined, { ...answerOf(first) });
}

/**
 * On a closed quorum (the route read it first): the answer a byte-identical retry of this
 * ticket's accepted post is owed, else 409 `quorum_closed`. Reads only.
 */
export function closedAnswer(
  v: VaultState,
  hash: string,
  accepted: string,
  state: string,
): Promise<Outcome<never>> {
  return outcome(async () => {
    const row = v.sql
      .exec<{ state: string; accepted: string | null; result: string | null }>(
        'SELECT state, accepted, result FROM tickets WHERE hash = ?',
        hash,
      )
      .toArray()[0];
    if (row) refuseReplay(row, accepted);
    throw new ProblemError('quorum_closed', `the quorum is ${state}`);
  });
}

/** The approver's ticket, of this quorum, still usable; a byte-identical retry of the accepted post is told its answer. */
function openApproverTicket(sql: SqlStorage, v: ApproverVerify): Opened {
  const row = loadTicket(sql, v.hash, 'action');
  const data = JSON.parse(row.data) as ActionTicketData;
  if (data.quorum?.id !== v.quorumId) throw new ProblemError('ticket_not_found');
  refuseReplay({ state: row.state, accepted: row.accepted, result: row.result }, v.accepted);
  assertUsable(row, v.now, v.accepted);
  // The counter rule's "ticket created after the last use" reads "options first served after".
  const createdAt = row.served_at ?? row.created_at;
  return {
    ...pendingAction({ ...ticketTimes(row), createdAt }, data),
    quorum: data.quorum,
    userId: data.userId,
  };
}

function answerOf(a: HandoffAnswer): ApproverAnswer {
  return 'receipt' in a && a.receipt
    ? { quorum: a.quorum, receipt: a.receipt }
    : { quorum: a.quorum };
}

/** A retry of the accepted post whose hand-off has not arrived yet: the hand-off's row, to try again now. */
function owedHandoff(sql: SqlStorage, v: ApproverVerify): string | undefined {
  const row = sql
    .exec<{ state: string; accepted: string | null; result: string | null }>(
      'SELECT state, accepted, result FROM tickets WHERE hash = ?',
      v.hash,
    )
    .toArray()[0];
  if (row?.state !== 'consumed' || row.accepted !== v.accepted || row.result) return undefined;
  return getHandoff(sql, `${v.hash}:approve`)?.id;
}

/** The hand-off's answer as the verify's: 200, 409 quorum_closed, or 503 while it has not arrived. */
async function answerNow(k: ApproverKit, handoffId: string): Promise<ApproverAnswer> {
  const answer = await handOff(k.ctx.storage, k.env, handoffId);
  if (!answer)
    throw new ProblemError(
      'unavailable',
      'the approval is committed and is being handed to its quorum; retry the same request',
    );
  if (!answer.counted)
    throw new ProblemError('quorum_closed', 'the quorum closed before this approval reached it');
  return answerOf(answer);
}

export function verifyApprover(
  k: ApproverKit,
  v: ApproverVerify,
): Promise<Outcome<ApproverAnswer>> {
  const sql = k.ctx.storage.sql;
  const owed = owedHandoff(sql, v);
  if (owed) {
    return outcome(async () => {
      const first: Record<string, unknown> = { ...(await answerNow(k, owed)) };
      throw new ProblemError('ticket_used', undefined, first);
    });
  }
  return ceremony(
    () => openApproverTicket(sql, v),
    async (t) => {
      const ruleOrigins = t.rule.origins ? { ruleOrigins: new Set(t.rule.origins) } : {};
      const { credential: cred, authData } = await k.verifyAssertion(
        v.response,
        t.challenge,
        t.rule.require,
        ruleOrigins,
      );

      // Commit, with no await from here to the end of the transaction.
      k.pending.forget(v.hash);
      const at = entryTime(v.now);
      const { statement, quorum } = t;
      const entry: ApprovedEntry = {
        v: 1,
        kind: 'approved',
        at,
        sub: statement.sub,
        cred: cred.id,
        challenge: t.challenge,
        act: t.actionHash,
        aud: statement.aud,
        jti: quorum.jti,
        qrm: quorum.qrm,
      };
      const { id, aaguid, device_bound, backed_up, enrolled_at } = receiptCredential(
        cred,
        authData.flags.bs,
      );
      const handoff: Handoff = {
        user: statement.sub,
        grp: quorum.grp,
        apv: {
          sub: statement.sub,
          grp: quorum.grp,
          nonce: statement.nonce,
          at,
          cred: { id, aaguid, device_bound, backed_up, enrolled_at: enrolled_at ?? 0 },
        },
        committedAt: v.now,
      };
      let handoffId = '';
      k.committing(cred.id, () => {
        const committed = k.ctx.storage.transactionSync(() => {
          if (
            !consumeGuarded(sql, {
              hash: v.hash,
              now: v.now,
              credentialId: cred.id,
              counter: authData.counter,
              accepted: v.accepted,
            })
          )
            return false;
          advanceCounter(sql, cred.id, authData.counter, authData.flags.bs, v.now);
          const index = k.log.append(entry);
          // Its evidence as a single approval's (no receipt of its own), found by the quorum's id.
          pruneEvidence(sql, v.now - getVars(k.env).evidenceTtlDays * 86_400_000);
          insertEvidence(sql, {
            hash: v.hash,
            credential_id: cred.id,
            assertion: v.posted,
            receipt: '',
            approved_index: index,
            approved_at: v.now,
          });
          insertQuorumEvidence(sql, quorum.id, v.hash);
          handoffId = insertHandoff(
            sql,
            {
              ticket: v.hash,
              quorum_id: quorum.id,
              kind: 'approve',
              body: JSON.stringify(handoff),
            },
            v.now,
          );
          return true;
        });
        if (!committed)
          refuseCommit(k.ctx.storage, k.log, v.hash, v.now, cred.id, t.createdAt, v.accepted);
      });
      scheduleAlarm(k.ctx.storage);
      k.settled(v.hash, v.now);

      // Hand it over now; if that fails, the alarm keeps trying and a retry of this post is told the answer.
      return answerNow(k, handoffId);
    },
    (t, code) => {
      k.pending.forget(v.hash);
      const now = Date.now();
      let burned = '';
      k.ctx.storage.transactionSync(() => {
        const counted = recordFailure(sql, v.hash);
        if (counted) logFailure(k.log, sql, now, t.challenge, code, counted);
        if (counted?.state === 'burned') {
          const body = JSON.stringify({ user: t.userId });
          burned = insertHandoff(
            sql,
            { ticket: v.hash, quorum_id: t.quorum.id, kind: 'burn', body },
            now,
          );
        }
      });
      k.settled(v.hash, now);
      if (!burned) return;
      scheduleAlarm(k.ctx.storage);
      // Told now when it can be; the alarm otherwise. The 422 does not wait for it.
      handOff(k.ctx.storage, k.env, burned).catch(() => undefined);
    },
  );
}
