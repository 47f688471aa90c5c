/** Configuration that could never work fails closed. (Each test failed before its fix.) */
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:test';
import { WIRE, callApp, expectProblem, newUserId } from './harness';

describe('configuration that could never work fails closed', () => {
  const create = (over: Partial<Cloudflare.Env>) =>
    callApp(over, 'POST', '/v1/actions', { user: { id: newUserId('cfg') }, action: WIRE });

  it('RP_ID must be a domain: no IP address, empty label, leading hyphen or trailing dot', async () => {
    for (const rpId of ['127.0.0.1', '..', '-', 'localhost.', 'a..b', '-a.example'])
      expectProblem(await create({ RP_ID: rpId }), 500, 'misconfigured');
    for (const rpId of ['localhost', 'approve.example.com', 'xn--bcher-kva.example'])
      expect(
        (await create({ RP_ID: rpId, ISSUER: rpId === 'localhost' ? '' : `https://${rpId}` }))
          .status,
      ).toBe(409);
  });

  it('TTLs are plain decimal integers: "0x10" and "1e3" are not', async () => {
    for (const ttl of ['0x10', '1e3', '+60', '60.0'])
      expectProblem(await create({ TICKET_TTL_SECONDS: ttl }), 500, 'misconfigured');
    expect((await create({ TICKET_TTL_SECONDS: ' 60 ' })).status).toBe(409);
  });

  it('a signing key whose key_ops leave out "sign" is refused', async () => {
    const key = JSON.parse(env.RECEIPT_SIGNING_KEYS!).keys[0];
    const jwks = (keyOps: string[]) =>
      callApp(
        { RECEIPT_SIGNING_KEYS: JSON.stringify({ keys: [{ ...key, key_ops: keyOps }] }) },
        'GET',
        '/.well-known/jwks.json',
        undefined,
        { auth: false },
      );
    expectProblem(await jwks(['encrypt']), 500, 'misconfigured');
    expect((await jwks(['sign'])).status).toBe(200);
  });
});
