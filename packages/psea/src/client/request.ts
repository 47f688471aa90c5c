/**
 * One call to a server route, with the retry rule of the whole client:
 *
 * - Only GET and DELETE are tried again (reads, and a revocation, which is
 *   idempotent in effect). They are retried on 503 `unavailable` and when no
 *   answer came at all, `retries` times at most, after the wait retry-delay.ts
 *   gives.
 * - A POST is never retried. SPEC.md says a write answered 503 may have
 *   committed, and only a byte-identical verify is made safe to repeat (a
 *   browser route this client does not call). Repeating `POST /v1/actions`
 *   would make a second ticket for the same action, with a second approve
 *   page and, with a `callbackUrl`, a second set of webhooks; repeating a
 *   redeem would answer 409 `receipt_redeemed` for the caller's own first try.
 *   The caller decides, and the error says which it was.
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
    },
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
    redirect: 'manual',
    signal,
  };
  const idempotent = call.method !== 'POST';
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
        if (typeof body !== 'object' || body === null) throw new PseaError('invalid_response', `HTTP ${res.status} with a body that is not JSON`, { status: res.status });
        return body as T;
      }
      failure = problemError(res.status, parseJson(text));
      if (failure.code !== 'unavailable') throw failure;
      retryAfter = retryAfterMs(res.headers.get('retry-after'));
    } catch (err) {
      if (signal?.aborted) throw abortError(signal);
      if (err instanceof PseaError) throw err;
      failure = new PseaError('network_error', 'the service could not be reached', { cause: err });
    }
    const delay = idempotent && retry <= transport.retries ? retryDelayMs(retry, retryAfter) : undefined;
    if (delay === undefined) throw failure;
    try {
      await sleep(delay, signal);
    } catch {
      throw abortError(signal!);
    }
  }
}
