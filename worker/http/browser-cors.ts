import { cors } from 'hono/cors';
import { getVars } from '../config';
import type { AppEnv } from '../env';
import type { MiddlewareHandler } from 'hono';

/** CORS for ALLOWED_ORIGINS only, on the routes the widget calls. */
export const browserCors: MiddlewareHandler<AppEnv> = cors({
  origin: (origin, c) => (getVars(c.env).allowedOrigins.has(origin) ? origin : null),
  allowMethods: ['GET', 'POST', 'OPTIONS'],
  allowHeaders: ['content-type'],
  maxAge: 600,
});
