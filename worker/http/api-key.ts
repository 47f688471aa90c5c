import { createMiddleware } from 'hono/factory';
import { isApiKey } from '../config';
import type { AppEnv } from '../env';
import { ProblemError } from '../errors';

/** Server routes: `Authorization: Bearer <API key>`, compared as hashes in constant time. */
export const requireApiKey = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  // Configuration first, so a broken API_KEYS fails closed even for anonymous callers.
  const ok = await isApiKey(c.env, match?.[1] ?? '');
  if (!match || !ok) throw new ProblemError('unauthorized', 'a valid API key is required');
  await next();
});
