/**
 * Waiting for a person: long-poll the status route (`?wait=`, which the
 * service holds inside the user's Durable Object and wakes on the commit)
 * until the state is no longer `pending`. Three guards:
 *
 * - The deadline aborts the request in flight, so `timeoutMs` is kept even
 *   when the network hangs; `wait` never asks the service to hold the request
 *   past it.
 * - An answer that comes back pending before the wait it was asked for (a
 *   service without long-poll, a proxy that cuts held requests) is paced to
 *   one poll per MIN_POLL_INTERVAL_MS, never a tight loop.
 * - A transient failure (`unavailable`, `network_error`) does not end the
 *   wait: waiting through one is the point. Any other error does.
 */
import { PseaError } from './errors.ts';
import { abortError } from './problem.ts';
import { linkSignals, sleep } from './signals.ts';
import type { ApprovalStatus } from './types.ts';

/**
 * The longest `wait` the service takes (docs/api.md: 0–60 seconds).
 *
 * @example
 * ```ts
 * const s = await psea.status(ticket, { wait: MAX_WAIT_SECONDS, statusToken });
 * ```
 */
export const MAX_WAIT_SECONDS = 60;
/**
 * The fewest milliseconds between two polls of `waitForApproval`, whatever the service does.
 *
 * @example
 * ```ts
 * const mostPolls = Math.ceil(timeoutMs / MIN_POLL_INTERVAL_MS); // an upper bound on status requests
 * ```
 */
export const MIN_POLL_INTERVAL_MS = 2_000;

export type StatusCall<T extends { state: string } = ApprovalStatus> = (
  wait: number,
  signal: AbortSignal,
) => Promise<T>;

export async function waitForApproval<T extends { state: string } = ApprovalStatus>(
  status: StatusCall<T>,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<T> {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new PseaError('invalid_options', 'timeoutMs must be a positive number of milliseconds');
  if (signal?.aborted) throw abortError(signal);
  const deadline = Date.now() + timeoutMs;
  const linked = linkSignals([signal], timeoutMs);
  let transient: PseaError | undefined;
  try {
    for (;;) {
      const started = Date.now();
      const wait = Math.max(0, Math.min(MAX_WAIT_SECONDS, Math.floor((deadline - started) / 1000)));
      try {
        const answer = await status(wait, linked.signal);
        if (answer.state !== 'pending') return answer;
        transient = undefined;
      } catch (err) {
        if (
          !(err instanceof PseaError) ||
          (err.code !== 'unavailable' && err.code !== 'network_error')
        )
          throw err;
        transient = err;
      }
      await sleep(Math.max(0, MIN_POLL_INTERVAL_MS - (Date.now() - started)), linked.signal);
    }
  } catch (err) {
    if (!linked.signal.aborted) throw err;
    const aborted = abortError(linked.signal);
    if (aborted.code === 'timeout') {
      throw new PseaError(
        'timeout',
        `no final state within ${timeoutMs} ms`,
        transient ? { cause: transient } : {},
      );
    }
    throw aborted;
  } finally {
    linked.done();
  }
}
