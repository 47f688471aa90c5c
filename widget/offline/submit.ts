/**
 * Hands the device's stored proofs to the service (`POST /v1/offline-proofs`).
 * A proof leaves the device only once the service has answered for it: a 200
 * (or 409 `ticket_used` carrying the first answer's receipt), or a refusal
 * that no retry changes (a 4xx but 408 and 429: `ticket_used`,
 * `ticket_expired`, `ticket_not_found`, a failed check). No answer, a 5xx or
 * a 429 keeps it, and every later proof, for the next try. One submitter at
 * a time per origin (Web Locks, across tabs too), so the same proof is not
 * posted twice at once from this device.
 */
import { Failure, call } from '../api';
import type { OfflineEngine } from './engine';
import type { GrantRecord } from './store';

/** What became of one proof: its receipt, or the refusal. */
export type Outcome =
  | { rec: GrantRecord; receipt: string; fail?: undefined }
  | { rec: GrantRecord; receipt?: undefined; fail: Failure };

const final = (f: Failure): boolean =>
  f.status >= 400 && f.status < 500 && f.status !== 408 && f.status !== 429;

/**
 * Post every stored proof (read through the loaded offline part) for `endpoint` and user `sub`, oldest grant first;
 * `each` hears every settled one. Resolves false when one was kept (no answer, 5xx).
 */
export async function submitStored(
  engine: OfflineEngine,
  endpoint: string,
  sub: string,
  each: (o: Outcome) => void,
): Promise<boolean> {
  const run = async (): Promise<boolean> => {
    for (const rec of await engine.records()) {
      if (!rec.proof || rec.endpoint !== endpoint || rec.sub !== sub) continue;
      let outcome: Outcome;
      try {
        outcome = {
          rec,
          receipt: (
            await call<{ receipt: string }>(
              `${endpoint.replace(/\/+$/, '')}/v1/offline-proofs`,
              rec.proof,
            )
          ).receipt,
        };
      } catch (e) {
        const fail = e instanceof Failure ? e : new Failure('network_error', true);
        if (!final(fail)) return false;
        outcome = { rec, fail };
      }
      await engine.settle(rec, outcome.fail ? outcome.fail.code : 'approved');
      each(outcome);
    }
    return true;
  };
  return navigator.locks ? navigator.locks.request('psea-offline-submit', run) : run();
}
