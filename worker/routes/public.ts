import { Hono } from 'hono';
import { getSigningKeys } from '../config';
import type { AppEnv } from '../env';
import { openApiJson } from '../openapi/document';

export const publicRoutes = new Hono<AppEnv>();

publicRoutes.get('/healthz', (c) => c.json({ ok: true }));

// Public halves of every configured key, so rotation needs no coordination.
publicRoutes.get('/.well-known/jwks.json', async (c) => {
  const { jwks } = await getSigningKeys(c.env);
  c.header('cache-control', 'public, max-age=300');
  c.header('access-control-allow-origin', '*');
  return c.json(jwks);
});

// The API description, built from the routes' own schemas (worker/openapi/); public like the keys.
publicRoutes.get('/openapi.json', (c) =>
  c.body(openApiJson(), 200, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'public, max-age=300',
    'access-control-allow-origin': '*',
  }),
);
