/**
 * Configuration fails closed, and the POLICY var decides which credentials may approve what.
 * The app is called directly with a modified env; Durable Objects keep the real bindings,
 * so tickets and credentials made here are real.
 */
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { env } from 'cloudflare:test';
import { generateKeyPair, exportJWK } from 'jose';
import {
  WIRE,
  actionState,
  apiKey,
  assertion,
  call,
  callApp,
  enroll,
  expectProblem,
  newUserId,
  pendingApproval,
  ticketRow,
  verify,
  type Reply,
  SERVER_ROUTES,
} from './harness';

let errors: MockInstance<typeof console.error>;
beforeEach(() => {
  errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => errors.mockRestore());

const logged = (): string => errors.mock.calls.map((args) => args.map(String).join(' ')).join('\n');

function expectMisconfigured(r: Reply, ...secrets: string[]): void {
  expectProblem(r, 500, 'misconfigured');
  const text = JSON.stringify(r.body);
  expect(text).not.toMatch(/\bat \S+ \(|\.ts:\d+/); // no stack
  for (const s of secrets) if (s) expect(text).not.toContain(s);
}

describe('API_KEYS', () => {
  const bad: [string, string][] = [
    ['empty', ''],
    ['only commas and spaces', ' , ,'],
    ['one key of 31 characters', 'k'.repeat(31)],
    ['a good key next to a short one', `${'g'.repeat(40)},short-key-123`],
    // A bearer token ends at whitespace: such a key could never be presented.
    ['a key with a space inside', `${'g'.repeat(20)} ${'h'.repeat(20)}`],
  ];
  for (const [name, value] of bad) {
    it(`${name}: every server route is 500 misconfigured, with or without a key`, async () => {
      for (const [method, path, body] of SERVER_ROUTES) {
        for (const auth of [false, apiKey(), value.split(',')[0]!.trim() || 'x'] as const) {
          const r = await callApp({ API_KEYS: value }, method, path, body, { auth });
          expectMisconfigured(r, value.trim() && value);
        }
      }
      expect(logged()).toContain('API_KEYS');
      for (const part of value
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean))
        expect(logged()).not.toContain(part);
    });
  }

  it('missing entirely', async () => {
    const r = await callApp({ API_KEYS: undefined }, 'GET', '/v1/users/u-1/credentials');
    expectMisconfigured(r);
    expect(logged()).toContain('API_KEYS');
  });

  it('a key of exactly 32 characters works, and browser and public routes do not need API_KEYS', async () => {
    const key = 'k'.repeat(32);
    expect(
      (
        await callApp({ API_KEYS: key }, 'GET', `/v1/users/${newUserId()}/credentials`, undefined, {
          auth: key,
        })
      ).status,
    ).toBe(200);
    expect(
      (await callApp({ API_KEYS: '' }, 'GET', '/healthz', undefined, { auth: false })).status,
    ).toBe(200);
    expect(
      (await callApp({ API_KEYS: '' }, 'GET', '/.well-known/jwks.json', undefined, { auth: false }))
        .status,
    ).toBe(200);
    const { ticket } = await pendingApproval();
    expect(
      (await callApp({ API_KEYS: '' }, 'GET', `/v1/actions/${ticket}`, undefined, { auth: false }))
        .status,
    ).toBe(200);
  });
});

describe('RECEIPT_SIGNING_KEYS', () => {
  async function badKeySets(): Promise<[string, string, string[]][]> {
    const rsa = await generateKeyPair('RS256', { extractable: true });
    const rsaJwk = await exportJWK(rsa.privateKey);
    const ec = await generateKeyPair('ES256', { extractable: true });
    const ecPrivate = await exportJWK(ec.privateKey);
    const { d: _d, ...ecPublic } = ecPrivate;
    const es384 = await exportJWK(
      (await generateKeyPair('ES384', { extractable: true })).privateKey,
    );
    const good = JSON.parse(env.RECEIPT_SIGNING_KEYS!).keys[0];
    return [
      ['empty', '', []],
      ['blank', '   ', []],
      ['not JSON', 'not json', []],
      ['a bare JWK, not a set', JSON.stringify(ecPrivate), [ecPrivate.d!]],
      ['an empty set', JSON.stringify({ keys: [] }), []],
      ['an RSA key', JSON.stringify({ keys: [rsaJwk] }), [rsaJwk.d!, rsaJwk.p!]],
      ['a P-384 key', JSON.stringify({ keys: [es384] }), [es384.d!]],
      ['a public-only key', JSON.stringify({ keys: [ecPublic] }), [ecPublic.x!]],
      [
        'an HMAC key',
        JSON.stringify({
          keys: [{ kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0', alg: 'HS256' }],
        }),
        ['c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0'],
      ],
      ['a good key then an RSA key', JSON.stringify({ keys: [good, rsaJwk] }), [good.d, rsaJwk.d!]],
      [
        "a private key with another key's public half",
        JSON.stringify({ keys: [{ ...ecPrivate, d: good.d }] }),
        [good.d],
      ],
      [
        'alg that does not match',
        JSON.stringify({ keys: [{ ...ecPrivate, alg: 'EdDSA' }] }),
        [ecPrivate.d!],
      ],
    ];
  }

  it('JWKS, verify and redeem fail closed with 500 misconfigured and never a built-in key', async () => {
    const { ticket, auth } = await pendingApproval();
    const valid = await assertion(ticket, auth);
    for (const [name, value, secrets] of await badKeySets()) {
      errors.mockClear();
      const over = { RECEIPT_SIGNING_KEYS: value };
      const jwks = await callApp(over, 'GET', '/.well-known/jwks.json', undefined, { auth: false });
      try {
        expectMisconfigured(jwks, ...secrets);
        expectMisconfigured(
          await callApp(over, 'POST', `/v1/actions/${ticket}/verify`, valid, { auth: false }),
          ...secrets,
        );
        expectMisconfigured(
          await callApp(over, 'POST', '/v1/receipts/redeem', { receipt: 'a.b.c', audience: 'x' }),
          ...secrets,
        );
      } catch (err) {
        throw new Error(`${name}: ${(err as Error).message}`);
      }
      expect(logged(), name).toContain('RECEIPT_SIGNING_KEYS');
      for (const s of secrets) expect(logged(), name).not.toContain(s);
    }
    // None of that touched the ticket: with the real keys it approves.
    expect((await verify(ticket, valid)).status).toBe(200);
  });

  it('missing entirely', async () => {
    expectMisconfigured(
      await callApp(
        { RECEIPT_SIGNING_KEYS: undefined },
        'GET',
        '/.well-known/jwks.json',
        undefined,
        { auth: false },
      ),
    );
    expect(logged()).toContain('RECEIPT_SIGNING_KEYS');
  });
});

describe('other settings', () => {
  it('POLICY malformed → 500 misconfigured on actions, and the log names POLICY', async () => {
    const userId = newUserId('pol');
    await enroll(userId);
    const bad = [
      '{',
      '[]',
      JSON.stringify({ rules: [] }),
      JSON.stringify({ rules: [{ id: 'a' }, { id: 'a' }] }),
      JSON.stringify({ rules: [{ id: 'a', require: { deviceBound: 'yes' } }] }),
      JSON.stringify({ rules: [{ id: 'a', unknown: 1 }] }),
    ];
    for (const POLICY of bad) {
      errors.mockClear();
      expectMisconfigured(
        await callApp({ POLICY }, 'POST', '/v1/actions', { user: { id: userId }, action: WIRE }),
      );
      expect(logged()).toContain('POLICY');
    }
  });

  it('RP_ID, RP_NAME, ALLOWED_ORIGINS and TTLs malformed → 500 misconfigured', async () => {
    const userId = newUserId('cfg');
    await enroll(userId);
    const overrides: [Partial<Cloudflare.Env>, string][] = [
      [{ RP_ID: '' }, 'RP_ID'],
      [{ RP_ID: 'https://localhost' }, 'RP_ID'],
      [{ RP_NAME: ' ' }, 'RP_NAME'],
      [{ ALLOWED_ORIGINS: '' }, 'ALLOWED_ORIGINS'],
      [{ ALLOWED_ORIGINS: 'not a url' }, 'ALLOWED_ORIGINS'],
      [{ ALLOWED_ORIGINS: 'https://a.example/path' }, 'ALLOWED_ORIGINS'],
      [{ TICKET_TTL_SECONDS: '0' }, 'TICKET_TTL_SECONDS'],
      [{ TICKET_TTL_SECONDS: '3601' }, 'TICKET_TTL_SECONDS'],
      [{ RECEIPT_TTL_SECONDS: 'soon' }, 'RECEIPT_TTL_SECONDS'],
    ];
    for (const [over, name] of overrides) {
      errors.mockClear();
      expectMisconfigured(
        await callApp(over, 'POST', '/v1/actions', { user: { id: userId }, action: WIRE }),
      );
      expect(logged(), name).toContain(name);
    }
    // Browser routes check ALLOWED_ORIGINS for CORS.
    const { ticket } = await pendingApproval();
    const r = await callApp(
      { ALLOWED_ORIGINS: 'nope' },
      'GET',
      `/v1/actions/${ticket}`,
      undefined,
      { auth: false, headers: { origin: 'https://app.example.com' } },
    );
    expectMisconfigured(r);
  });
});

describe('POLICY rules (first match wins; the rule is frozen into the ticket)', () => {
  const POLICY = JSON.stringify({
    rules: [
      {
        id: 'big-wire',
        match: { type: 'wire.transfer', gt: { amount: 10000 } },
        require: { deviceBound: true },
      },
      { id: 'any', require: {} },
    ],
  });
  const transfer = (amount: number | string) => ({
    type: 'wire.transfer',
    amount,
    currency: 'EUR',
    to: 'DE89370400440532013000',
  });

  async function ask(userId: string, action: Record<string, unknown>): Promise<string> {
    const r = await callApp({ POLICY }, 'POST', '/v1/actions', {
      user: { id: userId },
      action,
      audience: 'payments-api',
    });
    expect(r.status).toBe(201);
    return r.body.ticket;
  }
  const pol = (receipt: string) =>
    JSON.parse(atob(receipt.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))).pol;

  it('a synced passkey cannot approve a big transfer: 422 policy_unmet, and the attempt counts', async () => {
    const userId = newUserId('synced');
    const { auth } = await enroll(userId, { backupEligible: true, backedUp: true });
    const ticket = await ask(userId, transfer(20000));
    expectProblem(await verify(ticket, await assertion(ticket, auth)), 422, 'policy_unmet');
    expect(await ticketRow(userId, ticket)).toMatchObject({ state: 'pending', failures: 1 });
    for (let i = 0; i < 4; i++)
      expectProblem(await verify(ticket, await assertion(ticket, auth)), 422, 'policy_unmet');
    expect(await actionState(ticket)).toEqual({ state: 'burned' });
    // A numeric string amount is compared as a number too.
    const asString = await ask(userId, transfer('20000.00'));
    expectProblem(await verify(asString, await assertion(asString, auth)), 422, 'policy_unmet');
  });

  it('a device-bound passkey approves the big transfer under rule big-wire', async () => {
    const userId = newUserId('bound');
    const { auth } = await enroll(userId);
    const ticket = await ask(userId, transfer(20000));
    const r = await verify(ticket, await assertion(ticket, auth));
    expect(r.status).toBe(200);
    expect(pol(r.body.receipt)).toBe('big-wire');
  });

  it('the synced passkey approves a small transfer under rule any', async () => {
    const userId = newUserId('synced');
    const { auth } = await enroll(userId, { backupEligible: true, backedUp: true });
    for (const amount of [100, 10000, '9999.99']) {
      const ticket = await ask(userId, transfer(amount));
      const r = await verify(ticket, await assertion(ticket, auth));
      expect(r.status).toBe(200);
      expect(pol(r.body.receipt)).toBe('any');
    }
  });

  it('the rule is the one frozen at ticket creation, not the current POLICY', async () => {
    const userId = newUserId('frozen');
    const { auth } = await enroll(userId, { backupEligible: true, backedUp: true });
    const ticket = await ask(userId, transfer(20000));
    // Verified through SELF, whose env has the default policy: still refused.
    expectProblem(await verify(ticket, await assertion(ticket, auth)), 422, 'policy_unmet');
    // And a ticket made under the default policy approves with pol default.
    const plain = await call('POST', '/v1/actions', {
      user: { id: userId },
      action: transfer(20000),
    });
    const r = await verify(plain.body.ticket, await assertion(plain.body.ticket, auth));
    expect(r.status).toBe(200);
    expect(pol(r.body.receipt)).toBe('default');
  });
});
