/**
 * The quorum's webhooks (docs/quorum.md): `quorum.approved` (with the
 * receipt), `quorum.expired`, `quorum.cancelled`, `quorum.burned`, to the
 * quorum's callbackUrl. Queued in the same synchronous turn as the change
 * they tell of, sent by the quorum's alarm with the delivery code action
 * webhooks use (signed per Standard Webhooks, retried with backoff under one
 * id). No approver ticket is ever in a body.
 */
import type { Env } from '../env';
import { randomId } from '../lib/random-id';
import {
  deleteDelivery,
  dueDeliveries,
  insertDelivery,
  nextDeliveryAt,
  postponeDelivery,
} from '../vault/storage/deliveries';
import { MAX_TRIES, nextTryAt } from '../webhooks/backoff';
import { webhookSecret } from '../webhooks/config';
import { deliverOnce } from '../webhooks/deliver';
import type { QuorumRecord, QuorumState } from './types';

type QuorumEventType = 'quorum.approved' | 'quorum.expired' | 'quorum.cancelled' | 'quorum.burned';

/** Queue the event of a quorum that just closed (`at`: when, in ms); nothing when it has no callbackUrl. Due at once. */
export function queueQuorumEvent(
  sql: SqlStorage,
  r: QuorumRecord,
  state: Exclude<QuorumState, 'pending'>,
  at: number,
  receipt?: string,
): boolean {
  if (!r.callbackUrl) return false;
  const body = {
    type: `quorum.${state}` as QuorumEventType,
    quorum: r.id,
    actionHash: r.actionHash,
    ...(r.reference === undefined ? {} : { reference: r.reference }),
    ...(state === 'approved' && receipt ? { receipt } : {}),
    at: Math.floor(at / 1000),
  };
  insertDelivery(sql, {
    id: `msg_${randomId(16)}`,
    url: r.callbackUrl,
    body: JSON.stringify(body),
    now: Math.min(at, Date.now()),
  });
  return true;
}

const BATCH = 10;

/** Try every delivery due; `inFlight` keeps an overlapping alarm from sending one twice. */
export async function deliverDue(sql: SqlStorage, env: Env, inFlight: Set<string>): Promise<void> {
  const due = dueDeliveries(sql, Date.now(), BATCH).filter((d) => !inFlight.has(d.id));
  if (due.length === 0) return;
  let secret: string | undefined;
  try {
    secret = webhookSecret(env);
  } catch {
    // Logged as misconfigured; each try counts.
  }
  for (const d of due) inFlight.add(d.id);
  const results = await Promise.all(
    due.map((d) =>
      secret ? deliverOnce(d, secret) : Promise.resolve({ ok: false, status: undefined }),
    ),
  );
  const after = Date.now();
  due.forEach((d, i) => {
    inFlight.delete(d.id);
    if (results[i]!.ok) return deleteDelivery(sql, d.id);
    const next = nextTryAt(d.attempts + 1, after);
    if (next !== undefined) return postponeDelivery(sql, d.id, d.attempts + 1, next);
    deleteDelivery(sql, d.id);
    console.error(
      `[psea] quorum webhook ${d.id} dropped after ${MAX_TRIES} failed tries (last: ${results[i]!.status ?? 'no answer'})`,
    );
  });
}

export { nextDeliveryAt };
