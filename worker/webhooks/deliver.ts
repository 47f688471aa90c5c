/**
 * One try of one delivery: signed afresh per Standard Webhooks 1.0 (the
 * `standardwebhooks` package: `webhook-id`, `webhook-timestamp` of this
 * try, `webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`),
 * POSTed without following redirects (a listed receiver cannot bounce the
 * request elsewhere), with a deadline. Only a 2xx is success.
 */
import { Webhook } from 'standardwebhooks';

/** A receiver gets this long to answer; then the try counts as failed. */
const DELIVERY_TIMEOUT_MS = 10_000;

export interface Delivery {
  id: string;
  url: string;
  body: string;
}

/** Whether the receiver answered 2xx. Never throws: a network failure is a failed try. */
export async function deliverOnce(
  d: Delivery,
  secret: string,
  now = new Date(),
): Promise<{ ok: boolean; status?: number }> {
  try {
    const signature = new Webhook(secret).sign(d.id, now, d.body);
    // globalThis.fetch, read at call time, so tests can stand in for the receiver.
    const res = await globalThis.fetch(d.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'psea-webhooks/1',
        'webhook-id': d.id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body: d.body,
    });
    await res.body?.cancel();
    return { ok: res.status >= 200 && res.status < 300, status: res.status };
  } catch {
    return { ok: false };
  }
}
