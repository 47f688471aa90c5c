/**
 * verifyWebhook as an attacker meets it: a delivery signed with the
 * `standardwebhooks` package (as the service signs) is accepted and its event
 * returned; a changed body, id or timestamp, a stale or future timestamp, the
 * wrong secret, a missing header or a signed body that is no event are all
 * refused with `webhook_invalid`.
 */
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { PseaError, verifyWebhook } from '../../packages/psea/src/client/index.ts';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const EVENT = {
  type: 'action.approved',
  actionHash: 'saNXwokzVvXmzkBkwL2kBridq1YY26Gzs5UnuSpNI6c',
  user: { id: 'u-123' },
  reference: 'order-42',
  receipt: 'eyJ.jwt.sig',
  checkpoint: 'psea.example/psea/abc\n8\nroot=\n',
  at: 1_795_341_300,
};

interface Delivery {
  id?: string;
  timestamp?: Date;
  body?: string;
  secret?: string;
  headers?: Record<string, string>;
}

/** A POST as the service sends it, signed over what it carries unless a test bends one part after signing. */
function delivery({
  id = 'msg_2Lk9',
  timestamp = new Date(),
  body = JSON.stringify(EVENT),
  secret = SECRET,
  headers = {},
}: Delivery = {}) {
  const signature = new Webhook(secret).sign(id, timestamp, body);
  return {
    id,
    body,
    signature,
    timestamp: String(Math.floor(timestamp.getTime() / 1000)),
    request: (over: Partial<Record<'id' | 'timestamp' | 'signature' | 'body', string>> = {}) =>
      new Request('https://rp.example.com/hooks/psea', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': over.id ?? id,
          'webhook-timestamp': over.timestamp ?? String(Math.floor(timestamp.getTime() / 1000)),
          'webhook-signature': over.signature ?? signature,
          ...headers,
        },
        body: over.body ?? body,
      }),
  };
}

const refusal = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => expect.unreachable('accepted'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PseaError);
  return err as PseaError;
};

describe('verifyWebhook', () => {
  it('returns the event of a delivery signed with the secret', async () => {
    expect(await verifyWebhook(delivery().request(), SECRET)).toEqual(EVENT);
    const credential = {
      type: 'credential.enrolled',
      user: { id: 'u-1' },
      credential: { id: 'c', aaguid: 'a', deviceBound: true },
      approvedBy: 'first',
      checkpoint: 'c',
      at: 1,
    };
    const event = await verifyWebhook(
      delivery({ body: JSON.stringify(credential) }).request(),
      SECRET,
    );
    expect(event.type === 'credential.enrolled' && event.credential.deviceBound).toBe(true);
  });

  it('accepts a signature among several (a secret being rotated)', async () => {
    const d = delivery();
    const other = new Webhook(`whsec_${randomBytes(32).toString('base64')}`).sign(
      d.id,
      new Date(),
      d.body,
    );
    expect(
      await verifyWebhook(d.request({ signature: `${other} ${d.signature}` }), SECRET),
    ).toEqual(EVENT);
  });

  // Each bend is made from the delivery itself, after signing, so it always differs from what was signed.
  type Signed = ReturnType<typeof delivery>;
  it.each<
    [string, (d: Signed) => Partial<Record<'id' | 'timestamp' | 'signature' | 'body', string>>]
  >([
    ['a changed body', () => ({ body: JSON.stringify({ ...EVENT, reference: 'order-43' }) })],
    ['a body with one more space', (d) => ({ body: `${d.body} ` })],
    ['a changed id (a replay under another id)', () => ({ id: 'msg_other' })],
    [
      'a changed timestamp (an old delivery made fresh)',
      (d) => ({ timestamp: String(Number(d.timestamp) + 1) }),
    ],
    ['a v2 signature only', () => ({ signature: 'v2,AAAA' })],
    ['garbage', () => ({ signature: 'v1,not-base64' })],
  ])('refuses %s', async (_, bend) => {
    const d = delivery();
    const err = await refusal(verifyWebhook(d.request(bend(d)), SECRET));
    expect(err.code).toBe('webhook_invalid');
  });

  it('refuses a correctly signed delivery whose timestamp is over 5 minutes old or ahead', async () => {
    for (const skew of [-6 * 60_000, 6 * 60_000]) {
      const err = await refusal(
        verifyWebhook(delivery({ timestamp: new Date(Date.now() + skew) }).request(), SECRET),
      );
      expect(err.code).toBe('webhook_invalid');
      expect(err.message).toMatch(/timestamp too (old|new)/);
    }
  });

  it('refuses another secret, and a missing header', async () => {
    const wrong = `whsec_${randomBytes(32).toString('base64')}`;
    expect((await refusal(verifyWebhook(delivery().request(), wrong))).code).toBe(
      'webhook_invalid',
    );
    const d = delivery();
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const req = d.request();
      req.headers.delete(name);
      expect((await refusal(verifyWebhook(req, SECRET))).code).toBe('webhook_invalid');
    }
  });

  it('refuses a signed body that is not an event', async () => {
    for (const body of ['not json', '[]', '"x"', '{"no":"type"}', '']) {
      expect((await refusal(verifyWebhook(delivery({ body }).request(), SECRET))).code, body).toBe(
        'webhook_invalid',
      );
    }
  });

  it('an unusable secret or a body already read is invalid_options, not a refusal', async () => {
    expect((await refusal(verifyWebhook(delivery().request(), 'whsec_'))).code).toBe(
      'invalid_options',
    );
    const req = delivery().request();
    await req.text();
    expect((await refusal(verifyWebhook(req, SECRET))).code).toBe('invalid_options');
  });
});
