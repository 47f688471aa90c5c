import { ORIGIN_NOT_ALLOWED, corsRefused } from './cors-refusal';
import type { PseaErrorCode } from './error-code';

/** Problem codes this module adds to docs/api.md's. */
const NETWORK_ERROR = 'network_error';

/** A failure the element can show: a stable code, and whether trying again can help. */
export class Failure {
  constructor(
    readonly code: PseaErrorCode,
    readonly retry: boolean,
    readonly cancel = false,
    /** The HTTP status of the answer, when there was one. */
    readonly status = 0,
  ) {}
}

/**
 * Whether a problem from the service leaves room for a retry: a 422 leaves
 * the ticket pending (another passkey or another try may pass), a 400 is not
 * counted, a 5xx may be transient. 401/404/409/410/429 are final.
 */
const retryable = (status: number): boolean => status === 400 || status === 422 || status >= 500;

/**
 * 422s that no retry on this page can fix: a locked passkey (its counter went back: it stays
 * locked), and a page origin the service does not take ceremonies from (it stays the same).
 */
const final = (code: string): boolean =>
  code === 'counter_regression' || code === 'origin_mismatch';

/** Tries of one request when the service answers 503 or cannot be reached: the first and two more. */
const MAX_TRIES = 3;
/** The longest `Retry-After` honoured, in seconds; a longer one is cut to this. */
const MAX_RETRY_AFTER_S = 3;

/** Seconds to wait before the next try: the service's `Retry-After` (0 to 3 s), else 1 s. */
function retryDelayMs(res: Response | undefined): number {
  const raw = res?.headers.get('retry-after')?.trim() ?? '';
  const s = /^\d+$/.test(raw) ? Number(raw) : 1;
  return Math.min(s, MAX_RETRY_AFTER_S) * 1000 + Math.random() * 250;
}

const PROBLEM_MEMBERS = new Set(['type', 'status', 'title', 'code', 'detail']);

/**
 * What a 409 `ticket_used` tells a byte-identical retry: the first answer's
 * members (the `receipt`), when the service had accepted this very body. Any
 * other 409 has none.
 */
function firstAnswer(
  res: Response,
  data: Record<string, unknown> | null,
): Record<string, unknown> | undefined {
  if (res.status !== 409 || data?.code !== 'ticket_used') return undefined;
  const rest = Object.fromEntries(Object.entries(data).filter(([k]) => !PROBLEM_MEMBERS.has(k)));
  return Object.keys(rest).length > 0 ? rest : undefined;
}

/**
 * One JSON request to the service. Resolves the parsed body of a 2xx; rejects
 * with a `Failure` carrying the problem+json `code` (never the message text),
 * `network_error` when the service cannot be reached.
 *
 * A 503 (or no answer at all) is tried again with the very same body, up to
 * `MAX_TRIES` times, after `Retry-After`. That is safe for the POST that ends
 * a ceremony: the service may have committed the first try, and then answers
 * the identical body with 409 `ticket_used` carrying what the first answer
 * held, which resolves here like the 2xx it replaces.
 */
export async function call<T>(url: string, body?: unknown): Promise<T> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  for (let attempt = 1; ; attempt++) {
    let res: Response | undefined;
    try {
      res = await fetch(
        url,
        text === undefined
          ? { cache: 'no-store', credentials: 'omit' }
          : // text/plain keeps the POST a CORS "simple" request: no preflight, one round trip after the click.
            {
              method: 'POST',
              credentials: 'omit',
              headers: { 'content-type': 'text/plain;charset=UTF-8' },
              body: text,
            },
      );
    } catch {
      res = undefined;
    }
    if ((res === undefined || res.status === 503) && attempt < MAX_TRIES) {
      await new Promise((r) => setTimeout(r, retryDelayMs(res)));
      continue;
    }
    // No answer: a refused CORS answer looks the same; told apart, it is final (the origin stays).
    if (res === undefined)
      throw (await corsRefused(url))
        ? new Failure(ORIGIN_NOT_ALLOWED, false)
        : new Failure(NETWORK_ERROR, true);
    const data = await res.json().catch(() => null);
    if (res.ok && data) return data as T;
    // Also on a first try: the browser itself may have resent a POST whose connection dropped.
    const replayed = firstAnswer(res, data);
    if (replayed) return replayed as T;
    // The service answers only docs/api.md problem codes.
    const code: PseaErrorCode =
      data && typeof data.code === 'string'
        ? (data.code as PseaErrorCode)
        : res.ok
          ? 'invalid_response'
          : `http_${res.status}`;
    throw new Failure(code, retryable(res.status) && !final(code), false, res.status);
  }
}

/** `{endpoint}/v1/{kind}/{ticket}`, with the ticket path-encoded. */
export const route = (endpoint: string, kind: string, ticket: string, tail = ''): string =>
  `${endpoint.replace(/\/+$/, '')}/v1/${kind}/${encodeURIComponent(ticket)}${tail}`;
