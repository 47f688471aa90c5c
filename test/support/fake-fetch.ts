/**
 * A `fetch` double for the client's unit tests: it records every request as
 * the service would see it and answers with what the test's handler returns.
 * Like a real fetch, it rejects with the signal's reason when the signal
 * aborts, also while the handler is still answering (a held long-poll).
 */

export interface SeenRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: string | undefined;
  redirect: RequestInit['redirect'];
  signal: AbortSignal | undefined;
}

export type Handler = (req: SeenRequest, n: number) => Response | Promise<Response>;

export function fakeFetch(handler: Handler): { fetch: typeof fetch; calls: SeenRequest[] } {
  const calls: SeenRequest[] = [];
  const fetchFn = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const seen: SeenRequest = {
      method: init.method ?? 'GET',
      url: new URL(String(input)),
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? init.body : undefined,
      redirect: init.redirect,
      signal: init.signal ?? undefined,
    };
    calls.push(seen);
    const signal = init.signal;
    if (signal?.aborted) throw signal.reason;
    let onAbort = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal!.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([Promise.resolve(handler(seen, calls.length)), aborted]);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  };
  return { fetch: fetchFn as typeof fetch, calls };
}

/** An answer as the service gives it. */
export const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

/** A problem+json answer as the service gives it. */
export const problem = (
  status: number,
  code: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response =>
  new Response(
    JSON.stringify({ type: 'about:blank', status, title: `title of ${code}`, code, ...extra }),
    {
      status,
      headers: { 'content-type': 'application/problem+json', ...headers },
    },
  );

/** 503 `unavailable` with the `Retry-After` the service sends. */
export const unavailable = (retryAfter: string | null = '1'): Response =>
  problem(503, 'unavailable', {}, retryAfter === null ? {} : { 'retry-after': retryAfter });

/** What fetch throws when there is no answer at all. */
export const noAnswer = (): never => {
  throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') });
};
