/**
 * Cancellation with nothing but AbortController and setTimeout, so the
 * client runs on every runtime (AbortSignal.any is missing before Node 20.3).
 * Every link is undone when the call ends: a long-lived caller signal passed
 * to thousands of polls must not gather thousands of listeners.
 */

/** The reason a `linkSignals` timeout aborts with. */
export const TIMEOUT = Symbol('psea.timeout');

export interface LinkedSignal {
  signal: AbortSignal;
  /** Detach from the sources and clear the timer. Call it when the operation ends. */
  done(): void;
}

/** A signal that aborts when any source aborts, or after `timeoutMs` (its reason then `'timeout'`). */
export function linkSignals(
  sources: readonly (AbortSignal | undefined)[],
  timeoutMs?: number,
): LinkedSignal {
  const controller = new AbortController();
  const undo: (() => void)[] = [];
  for (const source of sources) {
    if (!source) continue;
    if (source.aborted) {
      controller.abort(source.reason);
      break;
    }
    const onAbort = () => controller.abort(source.reason);
    source.addEventListener('abort', onAbort, { once: true });
    undo.push(() => source.removeEventListener('abort', onAbort));
  }
  if (timeoutMs !== undefined && !controller.signal.aborted) {
    const timer = setTimeout(() => controller.abort(TIMEOUT), Math.max(0, timeoutMs));
    undo.push(() => clearTimeout(timer));
  }
  return { signal: controller.signal, done: () => undo.forEach((f) => f()) };
}

/** Resolve after `ms`, or reject with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
