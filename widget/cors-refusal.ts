/**
 * Telling "the service is unreachable" from "the service refuses this page". A browser hides
 * both behind one TypeError: a cross-origin answer without `Access-Control-Allow-Origin` (the
 * page's origin is not in the service's ALLOWED_ORIGINS) fails exactly like a network that is
 * down. A `no-cors` request tells them apart: it resolves with an opaque answer whenever the
 * service answered at all, and it reads nothing, so it needs no permission (docs/widget.md
 * "Events").
 */

/** Code of a failure where the service answered but not to this page's origin. */
export const ORIGIN_NOT_ALLOWED = 'origin_not_allowed';

/**
 * Whether a request to `url` that got no answer was refused for want of CORS: the URL is on
 * another origin than the page (CORS never refuses a same-origin request: that one was the
 * network) and the service answers a `no-cors` request to its `/healthz`.
 */
export const corsRefused = (url: string): Promise<boolean> =>
  new URL(url, location.href).origin === location.origin
    ? Promise.resolve(false)
    : fetch(new URL('/healthz', url), {
        mode: 'no-cors',
        cache: 'no-store',
        credentials: 'omit',
      }).then(
        () => true,
        () => false,
      );
