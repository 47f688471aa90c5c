/**
 * An error answer as a `PseaError`. The service answers every error as an
 * RFC 9457 problem with a code from docs/api.md's closed set; anything else came
 * from something in front of it (a proxy's HTML page, a redirect) and is
 * `invalid_response`, except a bare 503, which is `unavailable` whoever sent
 * it: retrying it is what that status asks for.
 */
import { PseaError, isServiceErrorCode, type Problem } from './errors.ts';
import { TIMEOUT } from './signals.ts';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parse a body as JSON, or `undefined` when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function problemError(status: number, body: unknown): PseaError {
  if (isObject(body) && isServiceErrorCode(body.code)) {
    const problem = body as Problem;
    const detail = typeof problem.detail === 'string' ? problem.detail : undefined;
    const title = typeof problem.title === 'string' ? problem.title : problem.code;
    return new PseaError(problem.code, detail ? `${title}: ${detail}` : title, {
      status,
      detail,
      problem,
    });
  }
  if (status === 503)
    return new PseaError('unavailable', 'service unavailable (503 without a problem body)', {
      status,
    });
  return new PseaError('invalid_response', `HTTP ${status} without a PSEA problem body`, {
    status,
  });
}

/** The error for a signal that aborted: `timeout` when it was the client's own deadline, else `aborted`. */
export function abortError(signal: AbortSignal): PseaError {
  return signal.reason === TIMEOUT
    ? new PseaError('timeout', 'timed out')
    : new PseaError('aborted', 'aborted by the caller', { cause: signal.reason });
}
