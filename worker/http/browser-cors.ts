import type { MiddlewareHandler } from 'hono';
import { getVars } from '../config';
import type { AppEnv } from '../env';

const ALLOW_METHODS = 'GET,POST,OPTIONS';
const ALLOW_HEADERS = 'content-type';
const MAX_AGE = '600';

/**
 * CORS for ALLOWED_ORIGINS only, on the routes the widget calls.
 *
 * Ours rather than hono/cors, for the verify route's sake: hono/cors sets its
 * headers on `c.res` before the handler runs and appends `Vary` after it, so
 * every answer built three Responses (bench/README.md, figure 1). Headers set
 * with `c.header()` before the handler are carried by the one Response that
 * `c.json()` or the error handler builds.
 */
export const browserCors: MiddlewareHandler<AppEnv> = async (c, next) => {
  const origin = c.req.header('origin');
  if (origin !== undefined && getVars(c.env).allowedOrigins.has(origin)) c.header('Access-Control-Allow-Origin', origin);
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
