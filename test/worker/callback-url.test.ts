/**
 * `callbackUrl` is a request the caller aims from inside the service (SPEC
 * "Waiting for an approval"): an https URL whose origin is in
 * CALLBACK_ORIGINS (`https://hooks.example.test` in these tests), or, only
 * when RP_ID is localhost, http on a loopback host. Anything else, however
 * it dresses up, is 400 invalid_request and no ticket is made. Attacks first.
 */
import { describe, expect, it } from 'vitest';
import { ticketHash } from '../../worker/http/ticket';
import { WIRE, call, callApp, enroll, expectProblem, newUserId, vaultRows } from './harness';

const REFUSED = [
  // Not a listed origin, or one that only looks like it.
  'https://evil.test/hook',
  'https://hooks.example.test.evil.test/hook',
  'https://evil.test/https://hooks.example.test/',
  'https://hooks.example.test@evil.test/hook',
  'https://hooks.example.test%40evil.test/',
  'https://xn--hooks-example-test.evil.test/',
  'https://hooks.example.test:8443/hook',
  'https://hooks.example.test./hook',
  // User info, even for the listed host, even empty.
  'https://user:pass@hooks.example.test/hook',
  'https://user@hooks.example.test/hook',
  'https://@hooks.example.test/hook',
  'https://:@hooks.example.test/hook',
  // Addresses: metadata services, private ranges, the unspecified address, IPv6 forms of loopback.
  'https://169.254.169.254/latest/meta-data/',
  'http://169.254.169.254/latest/meta-data/',
  'https://10.0.0.1/',
  'http://10.0.0.1/',
  'http://0.0.0.0:8080/',
  'http://[::ffff:127.0.0.1]/',
  'http://[::]/',
  'https://[::1]/',
  // Names that contain loopback without being it.
  'http://localhost.evil.test/',
  'http://127.0.0.1.nip.io/',
  'http://evil.test/?localhost',
  'http://hooks.example.test/hook', // listed host, but not https
  // Other schemes, relative and malformed URLs.
  'ftp://hooks.example.test/',
  'file:///etc/passwd',
  'javascript:alert(1)',
  'data:text/plain,hi',
  'ws://localhost:8080/',
  '//hooks.example.test/hook',
  'hooks.example.test/hook',
  '/hook',
  'https://',
  // What the parser would quietly change: whitespace, control characters, a fragment.
  ' https://hooks.example.test/hook',
  'https://hooks.example.test/hook ',
  'https://hooks.example.test/ho\nok',
  'https://hooks.\texample.test/hook',
  'https://hooks.example.test/\u0000',
  'https://hooks.example.test/hook#frag',
  `https://hooks.example.test/${'a'.repeat(2048)}`,
];

const ACCEPTED: [string, string][] = [
  ['https://hooks.example.test/psea', 'https://hooks.example.test/psea'],
  ['https://hooks.example.test:443/psea?k=v', 'https://hooks.example.test/psea?k=v'],
  ['HTTPS://HOOKS.example.test/Psea', 'https://hooks.example.test/Psea'],
  ['https://hooks.example.test', 'https://hooks.example.test/'],
  // RP_ID is localhost here: http on a loopback host, any port.
  ['http://localhost:9999/hook', 'http://localhost:9999/hook'],
  ['http://127.0.0.1:1/hook', 'http://127.0.0.1:1/hook'],
  ['http://127.255.0.9/', 'http://127.255.0.9/'],
  ['http://[::1]:8080/', 'http://[::1]:8080/'],
];

describe('callbackUrl', () => {
  it('refuses every URL that is not a listed https origin or, in development, loopback http', async () => {
    const userId = newUserId('cb');
    await enroll(userId);
    for (const callbackUrl of REFUSED) {
      const r = await call('POST', '/v1/actions', {
        user: { id: userId },
        action: WIRE,
        callbackUrl,
      });
      expectProblem(r, 400, 'invalid_request');
      expect(r.body.detail, callbackUrl).toMatch(/^callbackUrl: /);
    }
    for (const callbackUrl of [42, null, '', {}, ['https://hooks.example.test/']]) {
      expectProblem(
        await call('POST', '/v1/actions', { user: { id: userId }, action: WIRE, callbackUrl }),
        400,
        'invalid_request',
      );
    }
    // No ticket was made for any of them.
    expect(await vaultRows(userId, "SELECT hash FROM tickets WHERE kind = 'action'")).toEqual([]);
  });

  it('takes a listed https origin and, in development, loopback http; stores the normalised URL', async () => {
    const userId = newUserId('cb-ok');
    await enroll(userId);
    for (const [callbackUrl, stored] of ACCEPTED) {
      const r = await call('POST', '/v1/actions', {
        user: { id: userId },
        action: WIRE,
        callbackUrl,
      });
      expect(r.status, callbackUrl).toBe(201);
      const [row] = await vaultRows<{ callback_url: string }>(
        userId,
        'SELECT callback_url FROM tickets WHERE hash = ?',
        await ticketHash(r.body.ticket),
      );
      expect(row!.callback_url).toBe(stored);
    }
  });

  it('outside development (RP_ID not localhost), loopback http is refused too, and only listed https is taken', async () => {
    const prod = {
      RP_ID: 'approve.example.com',
      ISSUER: 'https://approve.example.com',
      ALLOWED_ORIGINS: 'https://approve.example.com',
    };
    const post = (callbackUrl: string) =>
      callApp(prod, 'POST', '/v1/actions', {
        user: { id: newUserId('cb-prod') },
        action: WIRE,
        callbackUrl,
      });
    for (const url of ['http://localhost:9999/hook', 'http://127.0.0.1/hook', 'http://[::1]/'])
      expectProblem(await post(url), 400, 'invalid_request');
    // Past the check, the vault answers: this user has no credential.
    expectProblem(await post('https://hooks.example.test/hook'), 409, 'not_enrolled');
  });

  it('with no CALLBACK_ORIGINS, no https callbackUrl is taken', async () => {
    expectProblem(
      await callApp({ CALLBACK_ORIGINS: '' }, 'POST', '/v1/actions', {
        user: { id: newUserId('cb-none') },
        action: WIRE,
        callbackUrl: 'https://hooks.example.test/',
      }),
      400,
      'invalid_request',
    );
  });
});

describe('webhook configuration fails closed', () => {
  const create = (over: Partial<Cloudflare.Env>, callbackUrl?: string) =>
    callApp(over, 'POST', '/v1/actions', {
      user: { id: newUserId('cfg-hook') },
      action: WIRE,
      ...(callbackUrl ? { callbackUrl } : {}),
    });

  it('an action with a callbackUrl needs a good WEBHOOK_SECRET; one without does not', async () => {
    const bad = [
      undefined,
      '',
      'secret',
      'whsec_',
      'whsec_!!!',
      `whsec_${btoa('too short')}`,
      `whsec_${btoa('x'.repeat(65))}`,
      btoa('x'.repeat(32)),
      `whsec_${btoa('x'.repeat(31)).replace(/=+$/, '')}`,
    ];
    for (const WEBHOOK_SECRET of bad) {
      const r = await create({ WEBHOOK_SECRET }, 'https://hooks.example.test/');
      expectProblem(r, 500, 'misconfigured');
      expect(JSON.stringify(r.body)).not.toContain(WEBHOOK_SECRET || 'whsec_x');
      expectProblem(await create({ WEBHOOK_SECRET }), 409, 'not_enrolled');
    }
  });

  it('a malformed CALLBACK_ORIGINS is misconfigured, not a quiet refusal', async () => {
    for (const CALLBACK_ORIGINS of [
      'http://hooks.example.test',
      'https://hooks.example.test/path',
      'https://10.0.0.1',
      'https://[::1]',
      'not a url',
    ]) {
      expectProblem(
        await create({ CALLBACK_ORIGINS }, 'https://hooks.example.test/'),
        500,
        'misconfigured',
      );
    }
  });
});
