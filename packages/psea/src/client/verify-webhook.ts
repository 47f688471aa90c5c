/**
 * The receiving side of the service's webhooks (docs/api.md "Waiting for an
 * approval"), which are signed per Standard Webhooks 1.0. The check itself is
 * the `standardwebhooks` package's (HMAC-SHA256 over `id.timestamp.body`,
 * compared in constant time, a timestamp within 5 minutes of now): the same
 * code that signs them on the service's side, and one that is not ours to
 * get subtly wrong.
 */
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { PseaError } from './errors.ts';
import type { WebhookEvent } from './types.ts';

const HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

/**
 * Check a webhook request's signature with your `WEBHOOK_SECRET` (`whsec_…`)
 * and return its event. Throws `PseaError` code `webhook_invalid` for missing
 * headers, a signature that does not verify (a changed body, id or timestamp),
 * a timestamp more than 5 minutes away, or a body that is no event;
 * `invalid_options` for an unusable secret or a body already read. It reads
 * the request's body.
 *
 * A valid delivery may arrive more than once (retries keep their
 * `webhook-id`): act once per `webhook-id`, and answer 2xx quickly. Ignore
 * event types you do not know, with a 2xx. A receipt in an event is still
 * checked with `verifyReceipt` before anything is done with it.
 *
 * @example
 * ```ts
 * import { verifyWebhook, PseaError } from 'psea/client';
 * export default {
 *   async fetch(req: Request, env: Env) {
 *     let event;
 *     try {
 *       event = await verifyWebhook(req, env.WEBHOOK_SECRET);
 *     } catch (err) {
 *       if (err instanceof PseaError && err.code === 'webhook_invalid') return new Response(null, { status: 400 });
 *       throw err;
 *     }
 *     if (await alreadyHandled(req.headers.get('webhook-id')!)) return new Response(null, { status: 204 });
 *     switch (event.type) {
 *       case 'action.approved': await resume(event.reference!, event.receipt!); break;
 *       case 'credential.enrolled': await tellTheUser(event.user.id, event.credential); break;
 *     }
 *     return new Response(null, { status: 204 });
 *   },
 * };
 * ```
 */
export async function verifyWebhook(request: Request, secret: string): Promise<WebhookEvent> {
  let webhook: Webhook;
  try {
    webhook = new Webhook(secret);
  } catch (err) {
    throw new PseaError('invalid_options', 'the webhook secret is not whsec_ followed by base64', {
      cause: err,
    });
  }
  if (request.bodyUsed) throw new PseaError('invalid_options', 'the request body was already read');
  const payload = await request.text();
  const headers: Record<string, string> = {};
  for (const name of HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  let event: unknown;
  try {
    event = webhook.verify(payload, headers);
  } catch (err) {
    // A WebhookVerificationError says which check failed; a SyntaxError is a signed body that is not JSON.
    const why = err instanceof WebhookVerificationError ? err.message : 'the body is not JSON';
    throw new PseaError('webhook_invalid', `webhook refused: ${why}`, { cause: err });
  }
  if (
    typeof event !== 'object' ||
    event === null ||
    Array.isArray(event) ||
    typeof (event as { type?: unknown }).type !== 'string'
  ) {
    throw new PseaError('webhook_invalid', 'webhook refused: the body is not an event');
  }
  return event as WebhookEvent;
}
