import type { TicketHooks } from '../../webhooks/ticket-hooks';
import type { TicketRow } from '../types';

/** Set on the ticket just inserted, in the same transaction. */
export function setTicketHooks(sql: SqlStorage, hash: string, hooks: TicketHooks): void {
  sql.exec(
    'UPDATE tickets SET reference = ?, status_token = ?, callback_url = ? WHERE hash = ?',
    hooks.reference ?? null,
    hooks.statusTokenHash,
    hooks.callbackUrl ?? null,
    hash,
  );
}

/**
 * How long after a ticket's expiry its `action.expired` is decided. A verify
 * that began before the expiry may still commit (its guard compares the time
 * it began): the grace lets it, so a ticket is never told expired and then
 * approved. Well inside docs/api.md's 60 s.
 */
export const EXPIRY_GRACE_MS = 5_000;

/** Action tickets whose expiry (and its grace) is past and not yet told to their callbackUrl (pending: never approved nor burned). */
export function expiredUntold(sql: SqlStorage, now: number, limit = 50): TicketRow[] {
  return sql
    .exec<TicketRow>(
      `SELECT * FROM tickets WHERE callback_url IS NOT NULL AND expiry_sent = 0 AND expires_at <= ?
         AND kind = 'action' AND state = 'pending' ORDER BY expires_at LIMIT ?`,
      now - EXPIRY_GRACE_MS,
      limit,
    )
    .toArray();
}

export function markExpirySent(sql: SqlStorage, hash: string): void {
  sql.exec('UPDATE tickets SET expiry_sent = 1 WHERE hash = ?', hash);
}

/** When the earliest expiry still to be told is decided (its expiry and grace), or undefined. */
export function nextUntoldExpiry(sql: SqlStorage): number | undefined {
  const t =
    sql
      .exec<{ t: number | null }>(
        `SELECT MIN(expires_at) AS t FROM tickets WHERE callback_url IS NOT NULL AND expiry_sent = 0
           AND kind = 'action' AND state = 'pending'`,
      )
      .toArray()[0]?.t ?? undefined;
  return t === undefined ? undefined : t + EXPIRY_GRACE_MS;
}
