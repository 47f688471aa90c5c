/**
 * One call to a server route, with the retry rule of the whole client:
 *
 * - GET and DELETE (reads, and a revocation, which is idempotent in effect),
 *   and the creates, which carry an `Idempotency-Key`, are tried again. They
 *   are retried on 503 `unavailable` and when no answer came at all, `retries`
 *   times at most, after the wait retry-delay.ts gives. A create is repeated
 *   with its one key, byte-identical: the service answers it with the first
 *   answer if that one committed, and runs it otherwise (docs/api.md,
 *   "Idempotent requests"); 409 `idempotency_in_progress` (the first try still
 *   running there) is waited out the same way.
 * - Any other POST is never retried: repeating a redeem would answer 409
 *   `receipt_redeemed` for the caller's own first try. The caller decides,
 *   and the error says which it was.
 *
 * Redirects are not followed: the API key goes to the service's origin only.
 */
import { PseaError } from './errors.ts';
import { abortError, parseJson, problemError } from './problem.ts';
import { retryAfterMs, retryDelayMs } from './retry-delay.ts';
import { sleep } from './signals.ts';

export interface Transport {
  /** The service's origin (and path prefix, if any), without a trailing slash. */
  baseUrl: string;
  fetch: typeof fetch;
  /** How many times an idempotent call is tried again. */
  retries: number;
}

export interface Call {
  method: 'GET' | 'POST' | 'DELETE';
  /** The path and query, starting with `/`, its parts already encoded. */
  path: string;
  /** The bearer token: the API key, or a status token. */
  token: string;
  body?: unknown;
  signal?: AbortSignal;
  /** A create's `Idempotency-Key`: the call is then retried like a read, with this one key. */
  idempotencyKey?: string;
}

/** Resolve the parsed JSON of a 2xx (`undefined` for a 204); reject with a `PseaError`. */
export async function request<T>(transport: Transport, call: Call): Promise<T> {
  const { signal } = call;
  const init: RequestInit = {
    method: call.method,
    headers: {
      authorization: `Bearer ${call.token}`,
      accept: 'application/json',
      ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(call.idempotencyKey === undefined ? {} : { 'idempotency-key': call.idempotencyKey }),
    },
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
    redirect: 'manual',
    signal,
  };
  const idempotent = call.method !== 'POST' || call.idempotencyKey !== undefined;
  const url = transport.baseUrl + call.path;
  // Called detached: Workers refuse a `fetch` invoked as a method of another object.
  const fetchFn = transport.fetch;
  for (let retry = 1; ; retry++) {
    let failure: PseaError;
    let retryAfter: number | undefined;
    try {
      const res = await fetchFn(url, init);
      const text = await res.text();
      if (res.status >= 200 && res.status < 300) {
        if (res.status === 204 || text === '') return undefined as T;
        const body = parseJson(text);
        if (typeof body !== 'object' || body === null)
          throw new PseaError(
            'invalid_response',
            `HTTP ${res.status} with a body that is not JSON`,
            { status: res.status },
          );
        return body as T;
      }
      failure = problemError(res.status, parseJson(text));
      if (failure.code !== 'unavailable' && failure.code !== 'idempotency_in_progress')
        throw failure;
      retryAfter = retryAfterMs(res.headers.get('retry-after'));
    } catch (err) {
      if (signal?.aborted) throw abortError(signal);
      if (err instanceof PseaError) throw err;
      failure = new PseaError('network_error', 'the service could not be reached', { cause: err });
    }
    const delay =
      idempotent && retry <= transport.retries ? retryDelayMs(retry, retryAfter) : undefined;
    if (delay === undefined) throw failure;
    try {
      await sleep(delay, signal);
    } catch {
      throw abortError(signal!);
    }
  }
}
