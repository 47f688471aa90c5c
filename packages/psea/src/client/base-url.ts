/**
 * Where the client sends its requests, and how a value becomes one path
 * segment. The API key travels in every request, so it goes only over https,
 * or over http to a loopback host (a development service); anything else is
 * refused before a request is made.
 */
import { PseaError } from './errors.ts';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** The service's base URL, checked, without a trailing slash. */
export function checkBaseUrl(raw: unknown): string {
  let url: URL;
  try {
    url = new URL(String(raw));
  } catch {
    throw new PseaError('invalid_options', 'baseUrl is not a URL');
  }
  const secure =
    url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.test(url.hostname));
  if (!secure)
    throw new PseaError('invalid_options', 'baseUrl must be https (http only for a loopback host)');
  if (url.username || url.password || url.search || url.hash) {
    throw new PseaError('invalid_options', 'baseUrl must carry no credentials, query or fragment');
  }
  return url.href.replace(/\/+$/, '');
}

/**
 * One path segment from a caller's value (a ticket, a user id). Encoded, so
 * `../users/x/credentials` stays one segment; `.` and `..` are refused, since
 * URL parsing turns even their encoded forms into path navigation.
 */
export function segment(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '' || value === '.' || value === '..') {
    throw new PseaError(
      'invalid_options',
      `${name} must be a non-empty string other than "." and ".."`,
    );
  }
  return encodeURIComponent(value);
}
