/**
 * The vault's alarm (one per object): tell expiries that fell due, then try
 * every delivery that is due, and set the alarm to what is due next. An
 * expiry is told by this alarm at the ticket's expiry, whether anyone looks
 * or not. A failed try is postponed by the backoff (webhooks/backoff.ts)
 * under the same id; the last failed try drops the row with a log line
 * naming the id and the receiver's origin (its path or query may hold a
 * receiver's own secret), never the body.
 */
import type { Env } from '../../env';
import { getLogSigner } from '../../log-config';
import { MAX_TRIES, nextTryAt } from '../../webhooks/backoff';
import { webhookSecret } from '../../webhooks/config';
import { deliverOnce } from '../../webhooks/deliver';
import { withCheckpoint } from '../../webhooks/events';
import {
  deleteDelivery,
  dueDeliveries,
  fillDelivery,
  postponeDelivery,
  type DeliveryRow,
} from '../storage/deliveries';
import type { VaultLog } from '../storage/vault-log';
import { expiredUntold, markExpirySent } from '../storage/ticket-hooks';
import { queueActionEvent, scheduleAlarm } from './webhook-queue';

/** Deliveries tried in parallel by one alarm; more due means the next alarm is due at once. */
const BATCH = 20;

const originOf = (url: string): string => {
  try {
    return new URL(url).origin;
  } catch {
    return '(unparsable)';
  }
};

/**
 * The body to send: at the first try, the row's body gets the signed
 * checkpoint of the log as it was right after the event (`log_size`), and
 * keeps it, so every try sends the same body. Undefined when it cannot be
 * signed now (LOG_SIGNING_KEY misconfigured, logged): the try then fails.
 */
async function bodyOf(
  sql: SqlStorage,
  log: VaultLog,
  env: Env,
  d: DeliveryRow,
): Promise<string | undefined> {
  if (d.log_size === null) return d.body;
  try {
    const userId = (JSON.parse(d.body) as { user: { id: string } }).user.id;
    const body = withCheckpoint(
      d.body,
      await log.checkpoint(await getLogSigner(env), userId, d.log_size),
    );
    fillDelivery(sql, d.id, body);
    return body;
  } catch {
    return undefined;
  }
}

function settle(
  sql: SqlStorage,
  d: DeliveryRow,
  ok: boolean,
  status: number | undefined,
  now: number,
): void {
  if (ok) return deleteDelivery(sql, d.id);
  const attempts = d.attempts + 1;
  const next = nextTryAt(attempts, now);
  if (next !== undefined) return postponeDelivery(sql, d.id, attempts, next);
  deleteDelivery(sql, d.id);
  console.error(
    `[psea] webhook ${d.id} to ${originOf(d.url)} dropped after ${MAX_TRIES} failed tries (last: ${status ?? 'no answer'})`,
  );
}

/**
 * `inFlight`: ids being tried right now (kept by the object), so an alarm
 * that starts while another's fetches are out does not send them twice.
 * `expired(hash)`: told for each expiry queued (the object wakes its waiters).
 */
export async function runWebhookAlarm(
  storage: DurableObjectStorage,
  env: Env,
  log: VaultLog,
  inFlight: Set<string>,
  expired: (hash: string) => void,
): Promise<void> {
  const sql = storage.sql;
  try {
    const now = Date.now();
    for (const row of expiredUntold(sql, now)) {
      queueActionEvent(sql, row.hash, 'action.expired', row.expires_at, log.size());
      markExpirySent(sql, row.hash);
      expired(row.hash);
    }
    const due = dueDeliveries(sql, now, BATCH).filter((d) => !inFlight.has(d.id));
    if (due.length === 0) return;
    let secret: string | undefined;
    try {
      secret = webhookSecret(env);
    } catch {
      // Logged as misconfigured; each try counts, so a secret that never comes back ends the retries.
    }
    for (const d of due) inFlight.add(d.id);
    // Neither bodyOf nor deliverOnce throws: every id in flight is settled below.
    const results = await Promise.all(
      due.map(async (d) => {
        const body = secret ? await bodyOf(sql, log, env, d) : undefined;
        return body !== undefined && secret
          ? deliverOnce({ ...d, body }, secret)
          : { ok: false, status: undefined };
      }),
    );
    const after = Date.now();
    due.forEach((d, i) => {
      inFlight.delete(d.id);
      settle(sql, d, results[i]!.ok, results[i]!.status, after);
    });
  } finally {
    scheduleAlarm(storage);
  }
}
