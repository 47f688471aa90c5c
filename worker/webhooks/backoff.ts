/**
 * When a failed delivery is tried again: the wait after the n-th failed try.
 * Eight tries over about four hours (docs/api.md: at least five over at least an
 * hour), close to the Standard Webhooks suggestion, each under the same
 * `webhook-id`, so a receiver that got one of them can drop the rest.
 */
export const RETRY_DELAYS_MS: readonly number[] = [
  5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000,
];

/** Tries in all: the first, and one after each delay. */
export const MAX_TRIES = RETRY_DELAYS_MS.length + 1;

/** The time of the next try after `attempts` failed ones, or undefined when that was the last. */
export function nextTryAt(attempts: number, now: number): number | undefined {
  const delay = RETRY_DELAYS_MS[attempts - 1];
  return delay === undefined ? undefined : now + delay;
}
