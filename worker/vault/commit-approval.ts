import { PseaError } from '../errors';
import { recheckTicket } from './tickets';

export interface Approval {
  hash: string;
  now: number;
  receipt: string;
  credentialId: string;
  counter: number;
  backedUp: boolean;
}

/** Which guarded write found its row changed. */
class Refused {
  constructor(readonly what: 'ticket' | 'credential') {}
}

/**
 * Consume the ticket and advance the counter in one transaction. Each UPDATE
 * carries the condition it needs, so the common case is two statements; when
 * a guard fails nothing is written, and only then do we read why. Must run
 * with no await between the caller's checks and here.
 */
export function commitApproval(sql: SqlStorage, storage: DurableObjectStorage, a: Approval): void {
  try {
    storage.transactionSync(() => {
      const consumed = sql.exec(
        "UPDATE tickets SET state = 'consumed', receipt = ? WHERE hash = ? AND state = 'pending' AND expires_at > ?",
        a.receipt, a.hash, a.now,
      ).rowsWritten;
      if (consumed === 0) throw new Refused('ticket');
      // Strictly increasing, unless the authenticator keeps no counter (both 0).
      const advanced = sql.exec(
        `UPDATE credentials SET counter = ?, backed_up = ?, last_used_at = ?
         WHERE id = ? AND state = 'active' AND (? > counter OR (? = 0 AND counter = 0))`,
        a.counter, a.backedUp ? 1 : 0, a.now, a.credentialId, a.counter, a.counter,
      ).rowsWritten;
      if (advanced === 0) throw new Refused('credential');
    });
  } catch (err) {
    if (!(err instanceof Refused)) throw err;
    // The ticket decides first: a lost race is ticket_used, never a counter problem.
    if (err.what === 'ticket') {
      recheckTicket(sql, a.hash, a.now);
      throw new PseaError('ticket_used');
    }
    const current = sql.exec<{ state: string }>('SELECT state FROM credentials WHERE id = ?', a.credentialId).toArray()[0];
    if (!current || current.state !== 'active') throw new PseaError('credential_revoked');
    // A cloned authenticator is the likely cause: stop trusting the credential.
    sql.exec("UPDATE credentials SET state = 'locked' WHERE id = ?", a.credentialId);
    throw new PseaError('counter_regression');
  }
}
