import type { AppliedRule } from '../../policy/types';
import type { Statement } from '../../../packages/psea/src/receipt/types';
import type { BatchSummary } from '../../../packages/psea/src/receipt/batch';
import { ticketTimes, usableTicket } from '../storage/tickets';
import type { ActionTicketData } from '../types';

/** What an approval needs of its ticket: fixed when the ticket is issued. */
export interface PendingAction {
  challenge: string;
  expiresAt: number;
  /** When the ticket was made: a counter regression on it locks only if this is after the credential's last use. */
  createdAt: number;
  /** Whether it has a callbackUrl (fixed at creation): without one, an approval queues no webhook and reads no row for it. */
  callback: boolean;
  statement: Statement;
  actionHash: string;
  actionType: string;
  rule: AppliedRule;
  /** v3: a batch's signed summary, the receipt's `batch` claim. */
  batch?: BatchSummary;
}

export function pendingAction(
  row: { challenge: string; expiresAt: number; createdAt: number; callback: boolean },
  data: ActionTicketData,
): PendingAction {
  const { challenge, expiresAt, createdAt, callback } = row;
  const batch = data.items === undefined ? {} : { batch: data.action.batch as BatchSummary };
  return {
    challenge,
    expiresAt,
    createdAt,
    callback,
    statement: data.statement,
    actionHash: data.actionHash,
    actionType: data.action.type,
    rule: data.rule,
    ...batch,
  };
}

/**
 * Action tickets this object knows to be pending, so an approval skips the
 * ticket read and parse (docs/performance.md, figure 1); a person approves
 * seconds after the ticket is issued, while the object is still in memory.
 *
 * The invariant: an entry exists only while its row is `pending`. Every
 * change of a ticket's state removes the entry in the same turn as the
 * write, and expired entries are never returned. The commit's guarded
 * UPDATE still decides, so a stale entry could cost work, never a second
 * receipt. Small and bounded: only the receipt's fields are kept, never the
 * action or its display, and the oldest entry goes first.
 */
export class PendingActions {
  readonly #entries = new Map<string, PendingAction>();

  constructor(private readonly max = 32) {}

  remember(hash: string, entry: PendingAction): void {
    this.#entries.delete(hash);
    this.#entries.set(hash, entry);
    if (this.#entries.size > this.max)
      this.#entries.delete(this.#entries.keys().next().value as string);
  }

  /** The entry, if it is still unexpired at `now`. */
  recall(hash: string, now: number): PendingAction | undefined {
    const entry = this.#entries.get(hash);
    if (entry && now >= entry.expiresAt) {
      this.#entries.delete(hash);
      return undefined;
    }
    return entry;
  }

  forget(hash: string): void {
    this.#entries.delete(hash);
  }

  /** Forget every entry (the bench's cold-ticket figure). */
  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** A usable action ticket: from memory when this object knows it pending, else from its row. */
export function pendingTicket(
  pending: PendingActions,
  sql: SqlStorage,
  hash: string,
  now: number,
  replay: string,
): PendingAction {
  const known = pending.recall(hash, now);
  if (known) return known;
  const row = usableTicket(sql, hash, 'action', now, replay);
  return pendingAction(ticketTimes(row), JSON.parse(row.data) as ActionTicketData);
}
