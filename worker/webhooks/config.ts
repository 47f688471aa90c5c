/**
 * Webhook settings (docs/agents.md ("Waiting for an approval")), parsed once per value
 * and failing closed like every other setting (config.ts): a bad value is
 * 500 `misconfigured` with a log line naming the setting, never its content.
 *
 * - `CALLBACK_ORIGINS` (var): the https origins an action's `callbackUrl` may name.
 * - `WEBHOOK_SECRET` (secret): `whsec_` + base64 of 24 to 64 random bytes (Standard Webhooks).
 *   Required only where a webhook is owed: an action with a `callbackUrl`, or `CREDENTIAL_WEBHOOK_URL` set.
 * - `CREDENTIAL_WEBHOOK_URL` (var): where credential events go, when set.
 */
import { getVars, misconfigured } from '../config';
import type { Env } from '../env';
import { bareOrigin } from '../lib/bare-origin';
import { isLoopbackHost } from '../lib/loopback';
import { callbackUrlProblem, isIpLiteral } from './callback-url';
import { Webhook } from 'standardwebhooks';

const SECRET = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

function secretProblem(raw: string | undefined): string | undefined {
  const text = raw?.trim() ?? '';
  if (!text)
    return 'required when a webhook is owed (an action with a callbackUrl, or CREDENTIAL_WEBHOOK_URL set)';
  if (!SECRET.test(text)) return 'must be whsec_ followed by base64';
  // Decoded as the signer will decode it (standardwebhooks), so what passes here signs.
  const key = text.slice('whsec_'.length);
  let bytes: number;
  try {
    if (key.length % 4 !== 0) throw new Error('unpadded');
    bytes = atob(key).length;
    new Webhook(text);
  } catch {
    return 'must be whsec_ followed by padded base64';
  }
  if (bytes < 24 || bytes > 64) return 'the key must be 24 to 64 bytes';
  return undefined;
}

/** The signing secret, `whsec_…`, as `new Webhook(secret)` takes it. */
export function webhookSecret(env: Env): string {
  const problem = secretProblem(env.WEBHOOK_SECRET);
  if (problem) throw misconfigured('WEBHOOK_SECRET', problem);
  return env.WEBHOOK_SECRET!.trim();
}

const originsCache = new Map<string, ReadonlySet<string> | string>();

function parseCallbackOrigins(raw: string): ReadonlySet<string> | string {
  const origins = new Set<string>();
  for (const part of raw.split(',')) {
    const text = part.trim();
    if (!text) continue;
    const origin = bareOrigin(text);
    if (!origin || !origin.startsWith('https://'))
      return `not an https origin (https://host[:port]): ${JSON.stringify(text)}`;
    // An address is no one's name: a receiver is named by a host the operator's DNS answers for.
    if (isIpLiteral(new URL(origin).hostname))
      return `an IP address is not allowed: ${JSON.stringify(text)}`;
    origins.add(origin);
  }
  return origins;
}

/** The https origins a callbackUrl may name; empty when the var is unset. */
export function callbackOrigins(env: Env): ReadonlySet<string> {
  const raw = env.CALLBACK_ORIGINS ?? '';
  let parsed = originsCache.get(raw);
  if (parsed === undefined) {
    parsed = parseCallbackOrigins(raw);
    if (originsCache.size > 16) originsCache.clear();
    originsCache.set(raw, parsed);
  }
  if (typeof parsed === 'string') throw misconfigured('CALLBACK_ORIGINS', parsed);
  return parsed;
}

/** Whether http on a loopback host is allowed too: only in development (RP_ID localhost). */
export const loopbackHttp = (env: Env): boolean => getVars(env).rpId === 'localhost';

/**
 * Where credential events go, or undefined when `CREDENTIAL_WEBHOOK_URL` is
 * unset. Set, it must be https (or loopback http in development) and the
 * secret must be good: a passkey added where nobody can be told is refused.
 */
export function credentialWebhookUrl(env: Env): string | undefined {
  const raw = env.CREDENTIAL_WEBHOOK_URL?.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw misconfigured('CREDENTIAL_WEBHOOK_URL', 'not a URL');
  }
  const dev = loopbackHttp(env) && url.protocol === 'http:' && isLoopbackHost(url.hostname);
  const problem =
    url.protocol === 'https:' || dev
      ? callbackUrlProblem(raw)
      : 'must be https (http only on a loopback host, in development)';
  if (problem) throw misconfigured('CREDENTIAL_WEBHOOK_URL', problem);
  webhookSecret(env);
  return url.href;
}
