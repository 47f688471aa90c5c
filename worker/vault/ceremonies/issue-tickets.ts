import { ProblemError } from '../../errors';
import { randomId } from '../../lib/random-id';
import type { NewAction, NewEnrollment } from '../ceremony-types';
import { dropLapsedHolds } from '../storage/held-credentials';
import { hasActiveCredential } from '../storage/credentials';
import { setUser } from '../storage/meta';
import { insertBatchItems, pruneBatchItems } from '../storage/batch-items';
import { expiryOf, insertTicket, pruneTickets } from '../storage/tickets';
import type { EnrollTicketData } from '../types';

/** What every write drops first: tickets long past expiry, holds whose ticket can no longer be used. */
function prune(sql: SqlStorage, now: number): void {
  pruneTickets(sql, now);
  pruneBatchItems(sql);
  dropLapsedHolds(sql, now);
}

/** Store an enrollment ticket (and the user it names); its expiry, as its creator is shown. */
export function issueEnrollment(storage: DurableObjectStorage, input: NewEnrollment): number {
  const expiresAt = expiryOf(input.now, input.ttlSeconds);
  const data: EnrollTicketData = {
    user: input.user,
    iss: input.iss,
    ...(input.recovery ? { recovery: true } : {}),
  };
  storage.transactionSync(() => {
    setUser(storage.sql, input.user);
    prune(storage.sql, input.now);
    insertTicket(storage.sql, {
      hash: input.hash,
      kind: 'enroll',
      challenge: randomId(32),
      expiresAt,
      data,
      now: input.now,
    });
  });
  return expiresAt;
}

/** Store an action ticket; its expiry. */
export function issueAction(storage: DurableObjectStorage, input: NewAction): number {
  // Refuse before issuing: a ticket nobody can approve is a dead end for the host.
  if (!hasActiveCredential(storage.sql)) throw new ProblemError('not_enrolled');
  const expiresAt = expiryOf(input.now, input.ttlSeconds);
  storage.transactionSync(() => {
    prune(storage.sql, input.now);
    insertTicket(storage.sql, {
      hash: input.hash,
      kind: 'action',
      challenge: input.challenge,
      expiresAt,
      data: input.data,
      now: input.now,
    });
    if (input.items) insertBatchItems(storage.sql, input.hash, input.items);
  });
  return expiresAt;
}
