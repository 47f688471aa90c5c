import { Hono } from 'hono';
import { getSigningKeys } from '../config';
import type { AppEnv } from '../env';

export const publicRoutes = new Hono<AppEnv>();

publicRoutes.get('/healthz', (c) => c.json({ ok: true }));

// Public halves of every configured key, so rotation needs no coordination.
publicRoutes.get('/.well-known/jwks.json', async (c) => {
  const { jwks } = await getSigningKeys(c.env);
  c.header('cache-control', 'public, max-age=300');
  c.header('access-control-allow-origin', '*');
  return c.json(jwks);
});
