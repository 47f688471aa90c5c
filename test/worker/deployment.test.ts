/**
 * Deployments that could never be safe answer nothing but 500 misconfigured
 * (SPEC "Service hygiene"): a demo reachable from outside, or no ISSUER
 * outside localhost. And with ISSUER set, no answer takes a host from the
 * request. The app is called with a modified env; the vaults keep theirs.
 */
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { decodeJwt } from 'jose';
import { SoftAuthenticator } from '../support/soft-authenticator';
import { ORIGIN, callApp, expectProblem, newUserId, type Reply } from './harness';
import { createExecutionContext, env } from 'cloudflare:test';
import production from '../../worker/index';

let errors: MockInstance<typeof console.error>;
beforeEach(() => {
  errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => errors.mockRestore());
const logged = (): string => errors.mock.calls.map((args) => args.map(String).join(' ')).join('\n');

const TICKET = `${'a'.repeat(64)}.${'b'.repeat(43)}`;
/** One request of every kind: server, browser, public, pages, demo, unknown. */
const EVERY_ROUTE: [string, string, unknown?][] = [
  ['GET', '/healthz'],
  ['GET', '/'],
  ['GET', '/widget.js'],
  ['GET', '/.well-known/jwks.json'],
  ['GET', `/approve/${TICKET}`],
  ['GET', `/enroll/${TICKET}`],
  ['POST', '/v1/enrollments', { user: { id: 'u-1', name: 'ada' } }],
  ['POST', '/v1/actions', { user: { id: 'u-1' }, action: { type: 'x' } }],
  ['GET', `/v1/actions/${TICKET}`],
  ['POST', `/v1/actions/${TICKET}/verify`, {}],
  ['GET', `/v1/actions/${TICKET}/status`],
  ['GET', '/v1/users/u-1/credentials'],
  ['GET', '/demo/api/state'],
  ['POST', '/demo/api/enroll', {}],
  ['GET', '/nope'],
];

async function expectEveryRouteMisconfigured(
  over: Partial<Cloudflare.Env>,
  setting: string,
): Promise<void> {
  for (const [method, path, body] of EVERY_ROUTE) {
    errors.mockClear();
    const r = await callApp(over, method, path, body, { headers: { origin: ORIGIN } });
    try {
      expectProblem(r, 500, 'misconfigured');
    } catch (err) {
      throw new Error(`${JSON.stringify(over)} ${method} ${path}: ${(err as Error).message}`);
    }
    expect(logged(), `${method} ${path}`).toContain(`misconfigured: ${setting}`);
  }
}

describe('DEMO=true outside loopback is a misconfiguration', () => {
  const bad: [string, Partial<Cloudflare.Env>][] = [
    [
      'RP_ID other than localhost',
      {
        DEMO: 'true',
        RP_ID: 'bank.example',
        ISSUER: 'https://bank.example',
        ALLOWED_ORIGINS: ORIGIN,
      },
    ],
    [
      'an allowed origin on a public host',
      { DEMO: 'true', ALLOWED_ORIGINS: `${ORIGIN},https://app.example.com` },
    ],
    [
      'an allowed origin that only looks local',
      { DEMO: 'true', ALLOWED_ORIGINS: 'http://localhost.evil.example:8787' },
    ],
    ['a public ISSUER', { DEMO: 'true', ALLOWED_ORIGINS: ORIGIN, ISSUER: 'https://bank.example' }],
  ];
  for (const [name, over] of bad) {
    it(`${name}: every route answers 500 misconfigured, with a log line`, async () => {
      await expectEveryRouteMisconfigured(over, 'DEMO');
    });
  }

  it('loopback origins of every kind are fine: localhost, 127.0.0.0/8, [::1]', async () => {
    const ALLOWED_ORIGINS =
      'http://localhost:8787,http://127.0.0.1:8787,http://127.1.2.3,https://[::1]:8443';
    expect((await callApp({ DEMO: 'true', ALLOWED_ORIGINS }, 'GET', '/healthz')).status).toBe(200);
  });
});

describe('the demo answers on loopback hosts only', () => {
  const DEMO = { DEMO: 'true', ALLOWED_ORIGINS: ORIGIN };

  it('is not in the production entry at all: DEMO=true on loopback still gets the landing page and 404', async () => {
    const req = (path: string) =>
      production.fetch(
        new Request(`http://localhost:8787${path}`),
        { ...env, ...DEMO },
        createExecutionContext(),
      );
    const home = await req('/');
    expect(home.status).toBe(200);
    expect(await home.text()).not.toContain('Northwind');
    const state = await req('/demo/api/state');
    expect(state.status).toBe(404);
    expect(await state.json()).toMatchObject({ code: 'not_found' });
    expect(production.routes.some((r) => r.path.startsWith('/demo'))).toBe(false);
  });

  it('a forged Origin on a public host gets 404, and / is the landing page there', async () => {
    for (const base of [
      'http://demo.example',
      'http://localhost.demo.example',
      'http://10.0.0.1',
    ]) {
      const forged = await callApp(
        DEMO,
        'POST',
        '/demo/api/enroll',
        {},
        { auth: false, base, headers: { origin: new URL(base).origin } },
      );
      expectProblem(forged, 404, 'not_found');
      expectProblem(
        await callApp(DEMO, 'GET', '/demo/api/state', undefined, { auth: false, base }),
        404,
        'not_found',
      );
      const home = await callApp(DEMO, 'GET', '/', undefined, { auth: false, base });
      expect(home.status).toBe(200);
      expect(home.body).not.toContain('Northwind');
    }
  });

  it('on loopback it runs, and its receipts are for the audience psea-demo, never payments-api', async () => {
    for (const base of ['http://localhost:8787', 'http://127.0.0.1:8787', 'http://[::1]:8787']) {
      const state = await callApp(DEMO, 'GET', '/demo/api/state', undefined, { auth: false, base });
      expect(state.status, base).toBe(200);
    }
    const home = await callApp(DEMO, 'GET', '/', undefined, { auth: false });
    expect(home.body).toContain('Northwind');
    expect(home.body).toContain('psea-demo');

    // Enroll demo-user through the demo's own relay, then ask for the transfer.
    const enrolled = await callApp(
      DEMO,
      'POST',
      '/demo/api/enroll',
      {},
      { auth: false, headers: { origin: ORIGIN } },
    );
    expect(enrolled.status).toBe(200);
    const auth = await SoftAuthenticator.create();
    const options = await callApp(
      DEMO,
      'GET',
      `/v1/enrollments/${enrolled.body.ticket}`,
      undefined,
      { auth: false },
    );
    const registration = await auth.register(options.body.options, { origin: ORIGIN });
    expect(
      (
        await callApp(DEMO, 'POST', `/v1/enrollments/${enrolled.body.ticket}`, registration, {
          auth: false,
        })
      ).status,
    ).toBe(201);
    const transfer = await callApp(
      DEMO,
      'POST',
      '/demo/api/transfer',
      {},
      { auth: false, headers: { origin: ORIGIN } },
    );
    expect(transfer.status).toBe(200);
    const details = await callApp(DEMO, 'GET', `/v1/actions/${transfer.body.ticket}`, undefined, {
      auth: false,
    });
    expect(details.body.statement.aud).toBe('psea-demo');
    const assertion = await auth.assert(details.body.options, { origin: ORIGIN });
    const verified = await callApp(
      DEMO,
      'POST',
      `/v1/actions/${transfer.body.ticket}/verify`,
      assertion,
      { auth: false },
    );
    expect(decodeJwt(verified.body.receipt).aud).toBe('psea-demo');
    // The bank's own check and redeem take it.
    const confirmed = await callApp(
      DEMO,
      'POST',
      '/demo/api/confirm',
      { receipt: verified.body.receipt },
      { auth: false, headers: { origin: ORIGIN } },
    );
    expect(confirmed.body).toMatchObject({
      redeemed: true,
      claims: { aud: 'psea-demo', sub: 'demo-user' },
    });
  });
});

describe('ISSUER', () => {
  const PROD = { RP_ID: 'example.com', ALLOWED_ORIGINS: 'https://app.example.com' };

  it('is required when RP_ID is not localhost: every route answers 500 misconfigured', async () => {
    await expectEveryRouteMisconfigured({ ...PROD, ISSUER: '' }, 'ISSUER');
    await expectEveryRouteMisconfigured({ ...PROD, ISSUER: undefined }, 'ISSUER');
  });

  it('must be exactly an https origin outside localhost', async () => {
    const bad = [
      'https://approve.example.com/',
      'https://approve.example.com/psea',
      'https://approve.example.com?x=1',
      'https://approve.example.com#x',
      'https://Approve.example.com',
      'https://user@approve.example.com',
      'https://approve.example.com:443',
      'http://approve.example.com',
      'approve.example.com',
      'not a url',
    ];
    for (const ISSUER of bad) {
      errors.mockClear();
      expectProblem(await callApp({ ...PROD, ISSUER }, 'GET', '/healthz'), 500, 'misconfigured');
      expect(logged(), ISSUER).toContain('misconfigured: ISSUER');
    }
    for (const ISSUER of [
      'https://approve.example.com',
      'https://approve.example.com:8443',
      'https://[2001:db8::1]',
    ]) {
      expect((await callApp({ ...PROD, ISSUER }, 'GET', '/healthz')).status, ISSUER).toBe(200);
    }
  });

  it('with RP_ID localhost it may be empty (development: the request origin) or an http(s) origin', async () => {
    for (const ISSUER of ['', 'http://localhost:8787', 'https://psea.localhost']) {
      expect((await callApp({ ISSUER }, 'GET', '/healthz')).status, ISSUER).toBe(200);
    }
    expectProblem(
      await callApp({ ISSUER: 'http://localhost:8787/' }, 'GET', '/healthz'),
      500,
      'misconfigured',
    );
  });
});

describe('with ISSUER set, no answer takes a host from the request', () => {
  const ISSUER = 'https://approve.example.com';
  // ISSUER among the origins: the hosted pages run ceremonies on it.
  const PROD = {
    RP_ID: 'example.com',
    ISSUER,
    ALLOWED_ORIGINS: `https://app.example.com,${ORIGIN},${ISSUER}`,
  };
  /** An absolute URL on another host, and the service's own URL with a forged Host and forwarding headers. */
  const ways: [string, { base?: string; headers?: Record<string, string> }][] = [
    ['absolute URL on evil.example', { base: 'https://evil.example' }],
    [
      'Host: evil.example',
      {
        headers: {
          host: 'evil.example',
          'x-forwarded-host': 'evil.example',
          forwarded: 'host=evil.example',
        },
      },
    ],
  ];

  function clean(r: Reply, what: string): void {
    expect(typeof r.body === 'string' ? r.body : JSON.stringify(r.body), what).not.toContain(
      'evil.example',
    );
    for (const [name, value] of r.headers)
      expect(`${name}: ${value}`, what).not.toContain('evil.example');
  }

  for (const [name, way] of ways) {
    it(`${name}: enrollUrl, approveUrl, iss, receipts, pages and problems all name ISSUER`, async () => {
      const at = (method: string, path: string, body?: unknown, auth = true) =>
        callApp(PROD, method, path, body, {
          ...way,
          auth,
          headers: { ...way.headers, origin: ORIGIN },
        });
      const userId = newUserId('host');
      const seen: [string, Reply][] = [];
      const keep = async (what: string, r: Promise<Reply>): Promise<Reply> => {
        const reply = await r;
        seen.push([what, reply]);
        return reply;
      };

      const enrollment = await keep(
        'POST /v1/enrollments',
        at('POST', '/v1/enrollments', { user: { id: userId, name: 'ada' } }),
      );
      expect(enrollment.body.enrollUrl).toBe(`${ISSUER}/enroll/${enrollment.body.ticket}`);
      const auth = await SoftAuthenticator.create();
      const options = await keep(
        'GET enrollment',
        at('GET', `/v1/enrollments/${enrollment.body.ticket}`, undefined, false),
      );
      const registration = await auth.register(options.body.options, { origin: ORIGIN });
      expect(
        (
          await keep(
            'POST enrollment',
            at('POST', `/v1/enrollments/${enrollment.body.ticket}`, registration, false),
          )
        ).status,
      ).toBe(201);

      const action = await keep(
        'POST /v1/actions',
        at('POST', '/v1/actions', { user: { id: userId }, action: { type: 'x' } }),
      );
      expect(action.body.approveUrl).toBe(`${ISSUER}/approve/${action.body.ticket}`);
      const details = await keep(
        'GET action',
        at('GET', `/v1/actions/${action.body.ticket}`, undefined, false),
      );
      expect(details.body.statement.iss).toBe(ISSUER);
      const signed = await auth.assert(details.body.options, { origin: ORIGIN });
      const verified = await keep(
        'verify',
        at('POST', `/v1/actions/${action.body.ticket}/verify`, signed, false),
      );
      expect(decodeJwt(verified.body.receipt).iss).toBe(ISSUER);
      await keep(
        'verify again',
        at('POST', `/v1/actions/${action.body.ticket}/verify`, signed, false),
      );
      await keep('status', at('GET', `/v1/actions/${action.body.ticket}/status`));
      const redeemed = await keep(
        'redeem',
        at('POST', '/v1/receipts/redeem', { receipt: verified.body.receipt, audience: 'default' }),
      );
      expect(redeemed.status).toBe(200);
      const page = await keep(
        'hosted page',
        at('GET', `/approve/${action.body.ticket}`, undefined, false),
      );
      expect(page.body).toContain(`endpoint="${ISSUER}"`);
      await keep('enroll page', at('GET', `/enroll/${enrollment.body.ticket}`, undefined, false));
      await keep('credentials', at('GET', `/v1/users/${userId}/credentials`));
      await keep('jwks', at('GET', '/.well-known/jwks.json', undefined, false));
      await keep('landing', at('GET', '/', undefined, false));
      await keep(
        'preflight',
        at('OPTIONS', `/v1/actions/${action.body.ticket}/verify`, undefined, false),
      );
      await keep('not found', at('GET', '/v1/nope', undefined, false));
      await keep('bad ticket', at('GET', '/v1/actions/nope', undefined, false));
      await keep('unauthorized', at('GET', `/v1/users/${userId}/credentials`, undefined, false));
      for (const [what, reply] of seen) clean(reply, what);
    });
  }
});
