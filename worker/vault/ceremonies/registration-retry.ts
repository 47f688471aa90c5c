/**
 * A registration retried after a 503 answers like the first (docs/api.md,
 * "Retries"): the widget repeats the byte-identical body, and the service
 * may have committed the first try. Its ticket keeps `accepted`, the SHA-256
 * of the body it took, so the same body is told what the first answer said:
 * 409 `ticket_used` carrying the 201 body (a consumed ticket: storage/tickets.ts
 * answers with `result`), or the 202 body (a ticket now holding the passkey,
 * rebuilt here with fresh request options). Any other body gets a bare 409.
 * The body holds the authenticator's signed answer, which only the page that
 * made it has: the retry learns nothing it was not owed.
 */
import { ProblemError } from '../../errors';
import { holdOf } from './enrollment-tickets';
import { heldAnswer } from '../reads/request-options';
import { loadTicket } from '../storage/tickets';
import type { EnrollTicketData, Outcome } from '../types';
import { outcome } from '../outcome';

/** What the first registration answered, when `accepted` names its body: the 201 members. */
export interface FirstRegistration {
  accepted: string;
  result: string;
}

/** Keep, with the commit, what a byte-identical retry is owed (`result` only once consumed). */
export function keepRegistration(
  sql: SqlStorage,
  hash: string,
  first: FirstRegistration,
  consumed: boolean,
): void {
  sql.exec(
    'UPDATE tickets SET accepted = ?, result = ? WHERE hash = ?',
    first.accepted,
    consumed ? first.result : null,
    hash,
  );
}

/**
 * For a ticket that holds the passkey this very body registered: the problem carrying the 202
 * body, as an Outcome; undefined for anything else (the ceremony then refuses it as before).
 */
export async function heldRetry(
  sql: SqlStorage,
  rpId: string,
  hash: string,
  now: number,
  accepted?: string,
): Promise<Outcome<never> | undefined> {
  if (accepted === undefined) return undefined;
  const row = sql
    .exec<{ kind: string; state: string; data: string; accepted: string | null }>(
      'SELECT kind, state, data, accepted FROM tickets WHERE hash = ?',
      hash,
    )
    .toArray()[0];
  if (row?.kind !== 'enroll' || row.state !== 'pending' || row.accepted !== accepted)
    return undefined;
  if (!(JSON.parse(row.data) as EnrollTicketData).held) return undefined;
  return outcome(async () => {
    // Expired, or its held passkey gone: the ticket's own answer, as for any body.
    const full = loadTicket(sql, hash, 'enroll');
    if (now >= full.expires_at) throw new ProblemError('ticket_expired');
    throw new ProblemError('ticket_used', undefined, {
      ...(await heldAnswer(sql, rpId, holdOf(sql, full), now)),
    });
  });
}
