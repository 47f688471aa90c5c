import { ProblemError } from '../../errors';
import { lastAcceptedUse } from '../storage/credentials';

/**
 * A counter that did not increase: lock the credential only when the
 * assertion was made for a ticket created after the credential's last
 * accepted use (or, never used, after its enrollment), then refuse.
 *
 * Why not always lock: a genuine authenticator's counter never goes back, so
 * a regression on a ticket newer than the last use means a second copy of the
 * key is signing (a clone). An assertion for an older ticket may simply be a
 * genuine one a host page held back while a later approval went through: that
 * page could otherwise lock the person's passkey whenever it liked. It gets
 * 422 and counts as a failed attempt (the caller records it); the credential
 * stays active.
 *
 * `lock` locks it and logs the lock, in one transaction (log-writes.ts).
 *
 * Times are those of the Workers that created the ticket and accepted the
 * use; machine clock skew (milliseconds) is far below the seconds between two
 * passkey ceremonies, which is what the order has to tell apart.
 */
export function refuseCounterRegression(
  sql: SqlStorage,
  credentialId: string,
  ticketCreatedAt: number,
  lock: (credentialId: string) => void,
): never {
  const lastUse = lastAcceptedUse(sql, credentialId);
  if (lastUse !== undefined && ticketCreatedAt > lastUse) {
    lock(credentialId);
    throw new ProblemError(
      'counter_regression',
      'signature counter did not increase: the credential is locked',
    );
  }
  throw new ProblemError(
    'counter_regression',
    'signature counter did not increase for a ticket older than its last use',
  );
}
