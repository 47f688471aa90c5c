import { ProblemError } from '../../errors';
import type { StatusWaiters } from '../memory/status-waiters';
import { actionStatusOf, loadTicket, type ActionState } from '../storage/tickets';
import type { TicketRow } from '../types';

/** The status answer (docs/api.md `GET /v1/actions/:ticket/status`): the state, the receipt once approved, the host's `reference`. */
export interface StatusAnswer {
  state: ActionState;
  receipt?: string;
  reference?: string;
}

/** Who asks, and how long they will wait. `tokenHash`: the caller showed a statusToken, not an API key. */
export interface StatusQuery {
  tokenHash?: string;
  waitMs?: number;
}

function statusAnswer(row: TicketRow, now: number): StatusAnswer {
  const answer: StatusAnswer = actionStatusOf(row, now);
  if (row.reference != null) answer.reference = row.reference;
  return answer;
}

/**
 * The action ticket, refused unless a statusToken caller holds this very
 * ticket's token. Any mismatch, an unknown ticket included, is 401 as for a
 * wrong API key: the token authorises one route of one ticket and nothing else.
 */
export function authorisedTicket(
  sql: SqlStorage,
  hash: string,
  tokenHash: string | undefined,
): TicketRow {
  if (tokenHash === undefined) return loadTicket(sql, hash, 'action');
  let row: TicketRow;
  try {
    row = loadTicket(sql, hash, 'action');
  } catch {
    throw new ProblemError(
      'unauthorized',
      "a valid API key or this ticket's statusToken is required",
    );
  }
  if (!row.status_token || row.status_token !== tokenHash)
    throw new ProblemError(
      'unauthorized',
      "a valid API key or this ticket's statusToken is required",
    );
  return row;
}

/**
 * A long poll: the answer now unless pending; else the answer of the commit
 * that ends the ticket, or, at the earlier of the wait's end and the ticket's
 * expiry, the row read once more (expired, or still pending).
 */
export async function waitForStatus(
  sql: SqlStorage,
  waiters: StatusWaiters<StatusAnswer>,
  hash: string,
  row: TicketRow,
  now: number,
  waitMs: number,
): Promise<StatusAnswer> {
  const first = statusAnswer(row, now);
  if (first.state !== 'pending' || waitMs <= 0) return first;
  const until = Math.min(now + waitMs, row.expires_at);
  const settled = await waiters.wait(hash, until - now);
  if (settled) return settled;
  // The timer fires at `until` or later; the isolate's clock may lag it by a tick.
  return statusAnswer(loadTicket(sql, hash, 'action'), Math.max(Date.now(), until));
}

/** After a commit or a failed attempt on `hash`: if the ticket is no longer pending, wake its waiters with the one answer. */
export function settleWaiters(
  sql: SqlStorage,
  waiters: StatusWaiters<StatusAnswer>,
  hash: string,
  now: number,
): void {
  if (!waiters.has(hash)) return;
  const row = sql.exec<TicketRow>('SELECT * FROM tickets WHERE hash = ?', hash).toArray()[0];
  if (!row) return;
  const answer = statusAnswer(row, now);
  if (answer.state !== 'pending') waiters.settle(hash, answer);
}
