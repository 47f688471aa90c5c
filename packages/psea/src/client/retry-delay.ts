/**
 * How long to wait before trying an idempotent call again. A `Retry-After`
 * from the service is honoured, never shortened: the service sends it when
 * storage or an object is overloaded, and a client that comes back early
 * adds to the load. One longer than the client will wait ends the retries
 * instead. Without one (no answer at all, or a 503 from a proxy), the wait
 * doubles from 250 ms with full jitter, so many clients that failed together
 * do not return together.
 */

/**
 * The longest `Retry-After` the client waits for; a longer one is answered with the error.
 *
 * @example
 * ```ts
 * // A 503 that asked for more than MAX_RETRY_AFTER_MS reaches you as code 'unavailable': queue the work.
 * if (err instanceof PseaError && err.code === 'unavailable') await queue.later(job);
 * ```
 */
export const MAX_RETRY_AFTER_MS = 10_000;
const BACKOFF_BASE_MS = 250;
const BACKOFF_CAP_MS = 4_000;
/** Spread added to a `Retry-After`, so clients told the same second do not all come back in it. */
const RETRY_AFTER_SPREAD_MS = 250;

/** `Retry-After` in milliseconds (delay-seconds or an HTTP-date), or `undefined` when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  const raw = header?.trim();
  if (!raw) return undefined;
  if (/^\d+$/.test(raw)) return Number(raw) * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The wait before retry number `retry` (1 for the first), or `undefined` when
 * the service asked for longer than the client waits.
 */
export function retryDelayMs(
  retry: number,
  retryAfter: number | undefined,
  random = Math.random,
): number | undefined {
  if (retryAfter !== undefined) {
    return retryAfter > MAX_RETRY_AFTER_MS
      ? undefined
      : retryAfter + random() * RETRY_AFTER_SPREAD_MS;
  }
  return random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** retry);
}
