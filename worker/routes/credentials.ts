import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { ProblemError } from '../errors';
import { requireApiKey } from '../http/api-key';
import { userVault } from '../http/ticket';
import { readVault, writeVault } from '../vault/object-call';
import { UserId } from './schemas';

export const credentials = new Hono<AppEnv>();

credentials.use('/v1/users/*', requireApiKey);

function userId(raw: string): string {
  const parsed = UserId.safeParse(raw);
  if (!parsed.success) throw new ProblemError('invalid_request', 'id: 1 to 128 characters');
  return parsed.data;
}

// Server: a user's credentials with their assurance facts and state (`pending`: held for an approval).
credentials.get('/v1/users/:id/credentials', async (c) => {
  const vault = userVault(c.env, userId(c.req.param('id')));
  const now = Date.now();
  return c.json({
    credentials: await readVault(c.env, vault, 'listCredentials', (v) => v.listCredentials(now)),
  });
});

// Server: revoke one credential; it can no longer approve anything.
credentials.delete('/v1/users/:id/credentials/:credentialId', async (c) => {
  const vault = userVault(c.env, userId(c.req.param('id')));
  const id = c.req.param('credentialId');
  const now = Date.now();
  await writeVault(c.env, vault, 'revokeCredential', (v) => v.revokeCredential(id, now));
  return c.body(null, 204);
});
