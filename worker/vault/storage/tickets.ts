import { ProblemError } from '../../errors';
import { MAX_FAILED_ATTEMPTS, type EnrollTicketData, type TicketRow } from '../types';

/** The ticket, only of the asked kind: an enrollment ticket does not exist on action routes. */
export function loadTicket(sql: SqlStorage, hash: string, kind: TicketRow['kind']): TicketRow {
  const row = sql.exec<TicketRow>('SELECT * FROM tickets WHERE hash = ?', hash).toArray()[0];
  if (!row || row.kind !== kind) throw new ProblemError('ticket_not_found');
  return row;
}

/**
 * The ticket of the asked kind, refused unless it can still be used.
 * `replay`: the base64url SHA-256 of the body being posted, when it is a
 * ceremony's answer (see `assertUsable`).
 */
export function usableTicket(
  sql: SqlStorage,
  hash: string,
  kind: TicketRow['kind'],
  now: number,
  replay?: string,
): TicketRow {
  const row = loadTicket(sql, hash, kind);
  assertUsable(row, now, replay);
  return row;
}

type UsableFields = Pick<TicketRow, 'state' | 'expires_at' | 'accepted' | 'receipt' | 'result'>;

/**
 * Refuse a ticket that can no longer be used, most final state first. A
 * consumed ticket posted again with the byte-identical accepted body is told
 * what the first answer said (`result`, or its `receipt`): that body holds
 * the signed assertion, which only the page that made it has, so the retry
 * of a write whose answer was lost (a 503) learns nothing it was not owed.
 */
export function assertUsable(
  row: Pick<TicketRow, 'state' | 'expires_at'> & Partial<UsableFields>,
  now: number,
  replay?: string,
): void {
  if (row.state === 'consumed') {
    const same = replay !== undefined && row.accepted != null && row.accepted === replay;
    throw new ProblemError('ticket_used', undefined, same ? firstAnswer(row) : undefined);
  }
  if (row.state === 'burned') throw new ProblemError('rate_limited');
  if (now >= row.expires_at) throw new ProblemError('ticket_expired');
}

function firstAnswer(row: Partial<UsableFields>): Record<string, unknown> | undefined {
  if (row.result) return JSON.parse(row.result) as Record<string, unknown>;
  return row.receipt ? { receipt: row.receipt } : undefined;
}

/** Re-check a ticket already loaded, reading only what may have changed since. */
export function recheckTicket(sql: SqlStorage, hash: string, now: number, replay?: string): void {
  const row = sql
    .exec<UsableFields>(
      'SELECT state, expires_at, accepted, receipt, result FROM tickets WHERE hash = ?',
      hash,
    )
    .toArray()[0];
  if (!row) throw new ProblemError('ticket_not_found');
  assertUsable(row, now, replay);
}

/** Count one failed check; the fifth burns the ticket for good. The count and state after, or undefined when nothing was counted. */
export function recordFailure(
  sql: SqlStorage,
  hash: string,
): { failures: number; state: TicketRow['state'] } | undefined {
  return sql
    .exec<{ failures: number; state: TicketRow['state'] }>(
      `UPDATE tickets SET failures = failures + 1,
       state = CASE WHEN failures + 1 >= ? THEN 'burned' ELSE state END
     WHERE hash = ? AND state = 'pending'
     RETURNING failures, state`,
      MAX_FAILED_ATTEMPTS,
      hash,
    )
    .toArray()[0];
}

export type ActionState = 'pending' | 'approved' | 'expired' | 'burned';

export function actionState(row: TicketRow, now: number): ActionState {
  if (row.state === 'consumed') return 'approved';
  if (row.state === 'burned') return 'burned';
  return now >= row.expires_at ? 'expired' : 'pending';
}

/** An action ticket's status answer: its state, and its receipt once approved. */
export function actionStatusOf(
  row: TicketRow,
  now: number,
): { state: ActionState; receipt?: string } {
  const state = actionState(row, now);
  return row.receipt ? { state, receipt: row.receipt } : { state };
}

/** Tickets are kept a day past expiry for status look-ups, then dropped. */
const TICKET_RETENTION_MS = 24 * 3600 * 1000;

export function pruneTickets(sql: SqlStorage, now: number): void {
  sql.exec('DELETE FROM tickets WHERE expires_at < ?', now - TICKET_RETENTION_MS);
}

/**
 * A ticket's expiry, rounded up to a whole second: exactly the `expiresAt`
 * its creator is shown. Rounding up, a ticket lives at least its ttl (up to a
 * second more), so even a ttl of 1 s leaves time to use it.
 */
export function expiryOf(now: number, ttlSeconds: number): number {
  return Math.ceil(now / 1000 + ttlSeconds) * 1000;
}

export const ticketTimes = (row: TicketRow) => ({
  challenge: row.challenge,
  expiresAt: row.expires_at,
  createdAt: row.created_at,
  callback: row.callback_url != null,
});

export interface NewTicket {
  hash: string;
  kind: TicketRow['kind'];
  challenge: string;
  expiresAt: number;
  data: unknown;
  now: number;
}

export function insertTicket(sql: SqlStorage, t: NewTicket): void {
  sql.exec(
    `INSERT INTO tickets (hash, kind, state, challenge, expires_at, failures, data, receipt, created_at)
     VALUES (?, ?, 'pending', ?, ?, 0, ?, NULL, ?)`,
    t.hash,
    t.kind,
    t.challenge,
    t.expiresAt,
    JSON.stringify(t.data),
    t.now,
  );
}

/** An enrollment ticket whose registration enrolled at once: used up. */
export function consumeTicket(sql: SqlStorage, hash: string): void {
  sql.exec("UPDATE tickets SET state = 'consumed' WHERE hash = ?", hash);
}

/** An enrollment ticket that now holds a credential awaiting approval (`data.held`). */
export function holdOnTicket(sql: SqlStorage, hash: string, data: EnrollTicketData): void {
  sql.exec('UPDATE tickets SET data = ? WHERE hash = ?', JSON.stringify(data), hash);
}

/** What a guarded consumption writes beside the state: the receipt (an action) or the first answer (an enrollment approval). */
export interface Consumption {
  hash: string;
  now: number;
  /** The credential whose counter the approval advances, and the counter it signed. */
  credentialId: string;
  counter: number;
  accepted: string;
  receipt?: string;
  result?: string;
}

/**
 * Consume a ticket only if every guard of an approval still holds: the ticket
 * pending and unexpired, the credential active, its counter strictly
 * increasing unless the authenticator keeps none (both 0). One statement, so
 * of any number of concurrent approvals one writes; true when this one did.
 * Shared by an action's approval and a new passkey's approval.
 */
export function consumeGuarded(sql: SqlStorage, c: Consumption): boolean {
  return (
    sql.exec(
      `UPDATE tickets SET state = 'consumed', receipt = ?, accepted = ?, result = ?
       WHERE hash = ? AND state = 'pending' AND expires_at > ?
         AND EXISTS (SELECT 1 FROM credentials
                     WHERE id = ? AND state = 'active' AND (? > counter OR (? = 0 AND counter = 0)))`,
      c.receipt ?? null,
      c.accepted,
      c.result ?? null,
      c.hash,
      c.now,
      c.credentialId,
      c.counter,
      c.counter,
    ).rowsWritten === 1
  );
}

/** When the ticket was created (ms), for the counter rule of a failed commit; undefined when it is gone. */
export function ticketCreatedAt(sql: SqlStorage, hash: string): number | undefined {
  return sql
    .exec<{ created_at: number }>('SELECT created_at FROM tickets WHERE hash = ?', hash)
    .toArray()[0]?.created_at;
}
