/** Where a ticket stands, for the status route and the browser routes. */
import type { VaultState } from '../vault-state';
import { refuseStep } from '../ceremonies/enrollment-tickets';
import { outcome } from '../outcome';
import { usableTicket } from '../storage/tickets';
import type { Outcome, TicketRow } from '../types';
import {
  authorisedTicket,
  waitForStatus,
  type StatusAnswer,
  type StatusQuery,
} from './action-status';

/** Where the ticket stands; with `waitMs`, held here until it is no longer pending or the wait ends (action-status.ts). */
export async function actionStatus(
  v: VaultState,
  hash: string,
  now: number,
  query: StatusQuery = {},
): Promise<Outcome<StatusAnswer>> {
  return outcome(async () =>
    waitForStatus(
      v.sql,
      v.waiters,
      hash,
      authorisedTicket(v.sql, hash, query.tokenHash),
      now,
      query.waitMs ?? 0,
    ),
  );
}

/**
 * Whether a ticket of this kind can still be used, for `step` on an
 * enrollment ticket: one that holds a credential takes no registration, one
 * that holds none has nothing to approve. Reads only.
 */
export async function ticketUsable(
  v: VaultState,
  hash: string,
  kind: TicketRow['kind'],
  now: number,
  step?: 'register' | 'approve',
): Promise<Outcome<null>> {
  return outcome(async () => (refuseStep(v.sql, usableTicket(v.sql, hash, kind, now), step), null));
}
