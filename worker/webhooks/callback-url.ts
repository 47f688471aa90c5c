/**
 * An action's `callbackUrl` (docs/agents.md ("Waiting for an approval")): the service
 * will POST to it, so it is a server-side request the caller aims. Only an
 * https URL on an origin the operator listed in CALLBACK_ORIGINS, or, in
 * development (RP_ID localhost), http on a loopback host. Everything is
 * judged on the URL as WHATWG parsing reads it, the form that is stored and
 * fetched, so `https://hooks.example.com@evil.test`, `localhost.evil.test`,
 * `0x7f.1` or a port not listed are read as what they are. Deliveries never
 * follow a redirect (deliver.ts), so a listed receiver cannot bounce us elsewhere.
 */
import { ProblemError } from '../errors';
import { isLoopbackHost } from '../lib/loopback';

const MAX_CALLBACK_URL = 2048;

/** An IPv4 or IPv6 address as `URL` normalises a hostname (dotted quad, or in brackets). */
export function isIpLiteral(hostname: string): boolean {
  return hostname.startsWith('[') || /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname);
}

/** Why a URL string is unfit as a webhook target whatever its origin, or undefined. */
export function callbackUrlProblem(raw: string): string | undefined {
  if (raw.length > MAX_CALLBACK_URL) return `longer than ${MAX_CALLBACK_URL} characters`;
  // The parser would silently drop tabs and newlines and trim spaces: what is checked must be what was sent.
  if (/[\s\u0000-\u001f\u007f]/.test(raw))
    return 'must not contain whitespace or control characters';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not an absolute URL';
  }
  // Also an empty `user:@` or `@`, which the parser drops: the authority as written has no `@`.
  const authority = /^[a-z][a-z0-9+.-]*:[\\/]*([^/\\?#]*)/i.exec(raw)?.[1] ?? '';
  if (url.username || url.password || authority.includes('@')) return 'must not carry user info';
  if (raw.includes('#')) return 'must not carry a fragment';
  return undefined;
}

/**
 * The callbackUrl to store and fetch (its normalised href), or 400
 * `invalid_request` naming the field. `origins`: CALLBACK_ORIGINS;
 * `loopbackHttp`: RP_ID is localhost.
 */
export function checkCallbackUrl(
  raw: string,
  origins: ReadonlySet<string>,
  loopbackHttp: boolean,
): string {
  const refuse = (why: string): never => {
    throw new ProblemError('invalid_request', `callbackUrl: ${why}`);
  };
  const problem = callbackUrlProblem(raw);
  if (problem) refuse(problem);
  const url = new URL(raw);
  if (url.protocol === 'https:') {
    if (!origins.has(url.origin)) refuse('its origin is not in CALLBACK_ORIGINS');
  } else if (url.protocol === 'http:') {
    if (!loopbackHttp) refuse('must be https');
    if (!isLoopbackHost(url.hostname))
      refuse('http only on a loopback host (localhost, 127.0.0.0/8, [::1])');
  } else {
    refuse('must be https');
  }
  return url.href;
}
