import type { Context, MiddlewareHandler } from 'hono';
import { getVars } from '../config';
import type { AppEnv } from '../env';

const ALLOW_METHODS = 'GET,POST,OPTIONS';
const ALLOW_HEADERS = 'content-type';
const MAX_AGE = '600';

/** The browser routes: the ones the widget calls. */
const BROWSER_PATH =
  /^\/v1\/(actions\/[^/]+(\/verify)?|enrollments\/[^/]+(\/approve)?|offline-proofs)$/;

/**
 * CORS headers for an answer made before the routes run (the 413 of the body
 * limit), so a cross-origin widget can read it: those of browserCors on a
 * browser route, none elsewhere.
 */
export function earlyCorsHeaders(c: Context<AppEnv>): Record<string, string> {
  const origin = c.req.header('origin');
  if (origin === undefined || !BROWSER_PATH.test(c.req.path)) return {};
  try {
    return getVars(c.env).allowedOrigins.has(origin)
      ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' }
      : {};
  } catch {
    return {}; // misconfigured: the route itself will say so
  }
}

/**
 * CORS for ALLOWED_ORIGINS only, on the routes the widget calls.
 *
 * Ours rather than hono/cors, for the verify route's sake: hono/cors sets its
 * headers on `c.res` before the handler runs and appends `Vary` after it, so
 * every answer built three Responses (docs/performance.md, figure 1). Headers set
 * with `c.header()` before the handler are carried by the one Response that
 * `c.json()` or the error handler builds.
 */
export const browserCors: MiddlewareHandler<AppEnv> = async (c, next) => {
  const origin = c.req.header('origin');
  if (origin !== undefined && getVars(c.env).allowedOrigins.has(origin)) {
    c.header('Access-Control-Allow-Origin', origin);
    // Not a safelisted header: without this the widget could not honour a 503's wait.
    c.header('Access-Control-Expose-Headers', 'Retry-After');
  }
  if (c.req.method === 'OPTIONS') {
    c.header('Access-Control-Allow-Methods', ALLOW_METHODS);
    c.header('Access-Control-Allow-Headers', ALLOW_HEADERS);
    c.header('Access-Control-Max-Age', MAX_AGE);
    c.header('Vary', 'Origin, Access-Control-Request-Headers');
    return c.body(null, 204);
  }
  c.header('Vary', 'Origin');
  await next();
};
