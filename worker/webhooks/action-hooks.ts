import type { Env } from '../env';
import { randomId } from '../lib/random-id';
import { sha256B64url } from '../../packages/psea/src/internal/sha256-b64url';
import type { TicketHooks } from './ticket-hooks';
import { checkCallbackUrl } from './callback-url';
import { callbackOrigins, loopbackHttp, webhookSecret } from './config';

/**
 * What `POST /v1/actions` adds for whoever waits (docs/api.md "Waiting for an
 * approval"): a statusToken (256 random bits; the vault keeps only its
 * hash), the reference, and a checked callbackUrl. An action with a
 * callbackUrl fails closed (500 `misconfigured`) without a good
 * WEBHOOK_SECRET: an approval nobody can be told of signed is never accepted.
 */
export async function actionHooks(
  env: Env,
  body: { reference?: string; callbackUrl?: string },
): Promise<{ statusToken: string; hooks: TicketHooks }> {
  let callbackUrl: string | undefined;
  if (body.callbackUrl !== undefined) {
    callbackUrl = checkCallbackUrl(body.callbackUrl, callbackOrigins(env), loopbackHttp(env));
    webhookSecret(env);
  }
  const statusToken = randomId(32);
  const hooks: TicketHooks = { statusTokenHash: await sha256B64url(statusToken) };
  if (body.reference !== undefined) hooks.reference = body.reference;
  if (callbackUrl !== undefined) hooks.callbackUrl = callbackUrl;
  return { statusToken, hooks };
}
