import type { Context } from 'hono';
import { isApiKey } from '../config';
import type { AppEnv } from '../env';
import { ProblemError } from '../errors';
import { sha256B64url } from '../../packages/psea/src/internal/sha256-b64url';

/** A statusToken as issued: 32 random bytes, base64url. */
const STATUS_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Who calls the status route (docs/agents.md ("Waiting for an approval")): an API key
 * (`{}`), or a bearer that may be this ticket's statusToken (`{ tokenHash }`,
 * which the vault compares with the ticket's). Anything else is 401. The API
 * key check runs first, so a broken API_KEYS fails closed for every caller.
 * Only this route calls this: everywhere else a statusToken is just a wrong API key.
 */
export async function statusCaller(c: Context<AppEnv>): Promise<{ tokenHash?: string }> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
  const presented = match?.[1] ?? '';
  if (await isApiKey(c.env, presented)) return {};
  if (!match || !STATUS_TOKEN.test(presented))
    throw new ProblemError(
      'unauthorized',
      "a valid API key or this ticket's statusToken is required",
    );
  return { tokenHash: await sha256B64url(presented) };
}
