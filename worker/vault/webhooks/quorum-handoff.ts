/**
 * Handing an approver's committed approval (or a burned approver ticket) to
 * its quorum's object (docs/quorum.md "Who decides"). The row was written
 * with the commit; it goes once the quorum has answered, and the answer is
 * kept on the ticket so a byte-identical retry of the verify is told it.
 * A call that fails leaves the row for the alarm, which tries again until
 * it arrives: an approval committed in a vault is never lost to its quorum.
 */
import type { Env } from '../../env';
import type { HandoffAnswer } from '../../quorum/types';
import {
  deleteHandoff,
  dueHandoffs,
  getHandoff,
  postponeHandoff,
  type HandoffRow,
} from '../storage/quorum-handoffs';
import { scheduleAlarm } from '../webhooks/webhook-queue';
import type { Outcome } from '../types';

/** Kept as the ticket's `result` when the quorum was closed when the approval reached it. */
export const CLOSED_RESULT = { quorumClosed: true } as const;

/** Problems that no retry can change: the quorum does not exist, or never listed this approver. */
const FINAL = new Set(['quorum_not_found', 'invalid_request']);

async function send(
  env: Env,
  row: HandoffRow,
): Promise<{ answer?: HandoffAnswer; final: boolean }> {
  const stub = env.QUORUMS.get(env.QUORUMS.idFromString(row.quorum_id));
  const body = JSON.parse(row.body);
  const out = (
    row.kind === 'approve'
      ? await stub.approve(body)
      : await stub.approverBurned(body.user, Date.now())
  ) as Outcome<unknown>;
  if (!out.ok) return { final: FINAL.has(out.problem.code) };
  return { answer: row.kind === 'approve' ? (out.value as HandoffAnswer) : undefined, final: true };
}

/**
 * Try one hand-off now. The quorum's answer, or undefined when it has not
 * arrived (the row stays, retried by the alarm) or there is none to give.
 */
export async function handOff(
  storage: DurableObjectStorage,
  env: Env,
  id: string,
): Promise<HandoffAnswer | undefined> {
  const sql = storage.sql;
  const row = getHandoff(sql, id);
  if (!row) return undefined;
  let result: Awaited<ReturnType<typeof send>>;
  try {
    result = await send(env, row);
  } catch (err) {
    console.error(
      `[psea] quorum hand-off ${row.kind} will be retried: ${err instanceof Error ? err.message.slice(0, 200) : 'unknown'}`,
    );
    result = { final: false };
  }
  if (!result.final) {
    if (getHandoff(sql, id)) postponeHandoff(sql, row, Date.now());
    scheduleAlarm(storage);
    return undefined;
  }
  storage.transactionSync(() => {
    deleteHandoff(sql, id);
    if (row.kind === 'approve') {
      const kept = result.answer?.counted ? result.answer : CLOSED_RESULT;
      sql.exec('UPDATE tickets SET result = ? WHERE hash = ?', JSON.stringify(kept), row.ticket);
    }
  });
  scheduleAlarm(storage);
  return result.answer;
}

/** The alarm's part: every hand-off due, tried again. */
export async function retryHandoffs(storage: DurableObjectStorage, env: Env): Promise<void> {
  const due = dueHandoffs(storage.sql, Date.now());
  for (const row of due) await handOff(storage, env, row.id);
}
