/** Problem codes this module adds to SPEC.md's. */
export const NETWORK_ERROR = 'network_error';

/** A failure the element can show: a stable code, and whether trying again can help. */
export class Failure {
  constructor(
    readonly code: string,
    readonly retry: boolean,
    readonly cancel = false,
  ) {}
}

/**
 * Whether a problem from the service leaves room for a retry: a 422 leaves
 * the ticket pending (another passkey or another try may pass), a 400 is not
 * counted, a 5xx may be transient. 401/404/409/410/429 are final.
 */
const retryable = (status: number): boolean => status === 400 || status === 422 || status >= 500;

/**
 * One JSON request to the service. Resolves the parsed body of a 2xx; rejects
 * with a `Failure` carrying the problem+json `code` (never the message text),
 * `network_error` when the service cannot be reached.
 */
export async function call<T>(url: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(
      url,
      body === undefined
        ? { cache: 'no-store', credentials: 'omit' }
        : // text/plain keeps the POST a CORS "simple" request: no preflight, one round trip after the click.
          { method: 'POST', credentials: 'omit', headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: JSON.stringify(body) },
    );
  } catch {
    throw new Failure(NETWORK_ERROR, true);
  }
  const data = await res.json().catch(() => null);
  if (res.ok && data) return data as T;
  const code = data && typeof data.code === 'string' ? data.code : res.ok ? 'invalid_response' : `http_${res.status}`;
  throw new Failure(code, retryable(res.status));
}

/** `{endpoint}/v1/{kind}/{ticket}`, with the ticket path-encoded. */
export const route = (endpoint: string, kind: string, ticket: string, tail = ''): string =>
  `${endpoint.replace(/\/+$/, '')}/v1/${kind}/${encodeURIComponent(ticket)}${tail}`;
