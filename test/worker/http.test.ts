/** Request hygiene: schema errors name their field, API keys, body limits, CORS, and the public routes. */
import { describe, expect, it, vi } from 'vitest';
import { env, SELF } from 'cloudflare:test';
import {
  BASE,
  ORIGIN,
  OTHER_ALLOWED_ORIGIN,
  SERVER_ROUTES,
  WIRE,
  apiKey,
  assertion,
  call,
  callApp,
  enroll,
  expectProblem,
  newUserId,
  pendingApproval,
  requestAction,
  verify,
  type Reply,
} from './harness';

const MAX = 64 * 1024;

function expectInvalid(reply: Reply, field: string | RegExp): void {
  expectProblem(reply, 400, 'invalid_request');
  if (typeof field === 'string') expect(reply.body.detail).toContain(field);
  else expect(reply.body.detail).toMatch(field);
}

describe('400 invalid_request names the failing field', () => {
  let userId: string;
  const action = (body: Record<string, unknown>) =>
    call('POST', '/v1/actions', { user: { id: userId }, action: WIRE, ...body });

  it('POST /v1/enrollments', async () => {
    userId = newUserId('http');
    const post = (body: unknown) => call('POST', '/v1/enrollments', body);
    expectInvalid(
      await call('POST', '/v1/enrollments', undefined, { raw: '{"user": {"id": "a", ' }),
      /body|JSON/i,
    );
    expectInvalid(await call('POST', '/v1/enrollments', undefined, { raw: '' }), /body|JSON/i);
    expectInvalid(await post([]), '(body)');
    expectInvalid(await post('user'), '(body)');
    expectInvalid(await post({}), 'user');
    expectInvalid(await post({ user: 'u-1' }), 'user');
    expectInvalid(await post({ user: { name: 'ada' } }), 'user.id');
    expectInvalid(await post({ user: { id: 'u-1' } }), 'user.name');
    expectInvalid(await post({ user: { id: 42, name: 'ada' } }), 'user.id');
    expectInvalid(await post({ user: { id: '', name: 'ada' } }), 'user.id');
    expectInvalid(await post({ user: { id: 'x'.repeat(129), name: 'ada' } }), 'user.id');
    expectInvalid(await post({ user: { id: 'u-1', name: 'n'.repeat(65) } }), 'user.name');
    expectInvalid(await post({ user: { id: 'u-1', name: '' } }), 'user.name');
    expectInvalid(
      await post({ user: { id: 'u-1', name: 'ada', displayName: 7 } }),
      'user.displayName',
    );
    // The limits themselves are allowed.
    const edge = await post({ user: { id: 'x'.repeat(128), name: 'n'.repeat(64) } });
    expect(edge.status).toBe(201);
  });

  it('POST /v1/actions', async () => {
    userId = newUserId('http');
    await enroll(userId);
    expectInvalid(await call('POST', '/v1/actions', undefined, { raw: 'not json' }), /body|JSON/i);
    expectInvalid(await call('POST', '/v1/actions', { action: WIRE }), 'user');
    expectInvalid(
      await call('POST', '/v1/actions', { user: { id: 'x'.repeat(129) }, action: WIRE }),
      'user.id',
    );
    expectInvalid(await action({ action: undefined }), 'action');
    expectInvalid(await action({ action: 'wire' }), 'action');
    expectInvalid(await action({ action: [WIRE] }), 'action');
    expectInvalid(await action({ action: { amount: '1' } }), 'action.type');
    expectInvalid(await action({ action: { type: 7 } }), 'action.type');
    expectInvalid(await action({ ttl: 0 }), 'ttl');
    expectInvalid(await action({ ttl: 3601 }), 'ttl');
    expectInvalid(await action({ ttl: 1.5 }), 'ttl');
    expectInvalid(await action({ ttl: '60' }), 'ttl');
    expectInvalid(await action({ audience: '' }), 'audience');
    expectInvalid(await action({ audience: 5 }), 'audience');
    expectInvalid(
      await action({ display: { title: 'Pay', fields: [{ label: 'To', value: 5 }] } }),
      'display.fields.0.value',
    );
    expectInvalid(
      await action({ display: { title: 'Pay', fields: [{ label: 'To', value: null }] } }),
      'display.fields.0.value',
    );
    expectInvalid(await action({ display: { fields: [] } }), 'display.title');
    expectInvalid(await action({ display: 'Pay' }), 'display');
    // JCS form over 16 KiB (the body itself is well under 64 KiB).
    const big = { type: 'bulk', blob: 'a'.repeat(16 * 1024) };
    expectInvalid(await action({ action: big }), 'action');
    // Just under the limit is fine: {"blob":"…","type":"bulk"} = 25 bytes of framing.
    const fits = { type: 'bulk', blob: 'a'.repeat(16 * 1024 - 25) };
    expect((await action({ action: fits })).status).toBe(201);
    expect((await action({ ttl: 1 })).status).toBe(201);
    expect((await action({ ttl: 3600 })).status).toBe(201);
  });

  it('POST /v1/receipts/redeem', async () => {
    expectInvalid(await call('POST', '/v1/receipts/redeem', {}), 'receipt');
    expectInvalid(await call('POST', '/v1/receipts/redeem', { receipt: 'a.b.c' }), 'audience');
    expectInvalid(
      await call('POST', '/v1/receipts/redeem', { receipt: 5, audience: 'x' }),
      'receipt',
    );
  });

  it('user ids in paths are 1–128 characters', async () => {
    expectInvalid(await call('GET', `/v1/users/${'x'.repeat(129)}/credentials`), 'id');
    expect((await call('GET', `/v1/users/${'x'.repeat(128)}/credentials`)).status).toBe(200);
  });

  it('POST /v1/actions/:ticket/verify', async () => {
    const { ticket, auth } = await pendingApproval();
    const good = await assertion(ticket, auth);
    const r = good.response;
    expectInvalid(
      await call('POST', `/v1/actions/${ticket}/verify`, undefined, { auth: false }),
      'content-type',
    );
    expectInvalid(
      await call('POST', `/v1/actions/${ticket}/verify`, undefined, { auth: false, raw: '{"id":' }),
      /body|JSON/i,
    );
    expectInvalid(await verify(ticket, { ...good, response: undefined }), 'response');
    expectInvalid(await verify(ticket, { ...good, id: undefined }), 'id');
    expectInvalid(await verify(ticket, { ...good, type: 'password' }), 'type');
    expectInvalid(await verify(ticket, { ...good, id: 'abc+/=' }), 'id');
    expectInvalid(
      await verify(ticket, { ...good, response: { ...r, signature: 'c2ln+bmF0/dXJl==' } }),
      'response.signature',
    );
    expectInvalid(
      await verify(ticket, { ...good, response: { ...r, authenticatorData: 12 } }),
      'response.authenticatorData',
    );
    expectInvalid(
      await verify(ticket, { ...good, response: { ...r, clientDataJSON: '' } }),
      'response.clientDataJSON',
    );
    expectInvalid(
      await verify(ticket, { ...good, response: { ...r, userHandle: 'not base64url!' } }),
      'response.userHandle',
    );
    // Decodable base64url, but not JSON / not an object inside.
    const notJson = await assertion(ticket, auth, { clientDataJSON: () => 'not json {' });
    expectInvalid(await verify(ticket, notJson), 'response.clientDataJSON');
    const arrayJson = await assertion(ticket, auth, { clientDataJSON: () => '[1,2]' });
    expectInvalid(await verify(ticket, arrayJson), 'response.clientDataJSON');
    expectInvalid(
      await verify(ticket, { ...good, response: { ...r, authenticatorData: 'AAAA' } }),
      'response.authenticatorData',
    );
    // None of that counted: the ticket still approves.
    expect((await verify(ticket, good)).status).toBe(200);
  });

  it('POST /v1/enrollments/:ticket', async () => {
    const userId = newUserId('http');
    const t = (await call('POST', '/v1/enrollments', { user: { id: userId, name: 'ada' } })).body
      .ticket;
    const post = (body: unknown) => call('POST', `/v1/enrollments/${t}`, body, { auth: false });
    expectInvalid(
      await call('POST', `/v1/enrollments/${t}`, undefined, { auth: false, raw: '[' }),
      /body|JSON/i,
    );
    expectInvalid(await post({}), 'id');
    expectInvalid(await post({ id: 'AA', rawId: 'AA', type: 'public-key' }), 'response');
    expectInvalid(
      await post({ id: 'AA', rawId: 'AA', type: 'public-key', response: { clientDataJSON: 'AA' } }),
      'response.attestationObject',
    );
    expectInvalid(
      await post({
        id: 'AA',
        rawId: 'AA',
        type: 'public-key',
        response: { clientDataJSON: 'A=A', attestationObject: 'AA' },
      }),
      'response.clientDataJSON',
    );
    expectInvalid(
      await post({
        id: 'AA',
        rawId: 'AA',
        type: 'public-key',
        response: { clientDataJSON: 'bm90IGpzb24', attestationObject: 'AA' },
      }),
      'response.clientDataJSON',
    );
  });

  it('browser POST routes take JSON sent as text/plain (a CORS simple request); server routes do not', async () => {
    const { ticket, auth } = await pendingApproval();
    // The refusals first, while the ticket is usable: once it is used, any post gets 409.
    const bad = await call('POST', `/v1/actions/${ticket}/verify`, undefined, {
      auth: false,
      raw: '{"id":',
      headers: { 'content-type': 'text/plain' },
    });
    expectProblem(bad, 400, 'invalid_request');
    const form = await call('POST', `/v1/actions/${ticket}/verify`, undefined, {
      auth: false,
      raw: 'id=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectProblem(form, 400, 'invalid_request');
    expect(form.body.detail).toContain('content-type');
    const good = await assertion(ticket, auth);
    const r = await call('POST', `/v1/actions/${ticket}/verify`, undefined, {
      auth: false,
      raw: JSON.stringify(good),
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
    });
    expect(r.status).toBe(200);
  });

  it('a body that is not declared JSON is refused, with a detail a person can act on', async () => {
    const r = await call('POST', '/v1/enrollments', undefined, {
      raw: JSON.stringify({ user: { id: 'u', name: 'n' } }),
      headers: { 'content-type': 'text/plain' },
    });
    expectProblem(r, 400, 'invalid_request');
    expect(r.body.detail).toMatch(/content-type|body/i);
  });
});

describe('401 unauthorized on every server route', () => {
  const key = () => apiKey();
  const variants: [string, (k: string) => Record<string, string> | undefined][] = [
    ['no header', () => undefined],
    ['empty bearer', () => ({ authorization: 'Bearer ' })],
    ['wrong key', () => ({ authorization: 'Bearer wrong' })],
    ['Basic scheme', (k) => ({ authorization: `Basic ${btoa(`user:${k}`)}` })],
    ['the key without a scheme', (k) => ({ authorization: k })],
    [
      'right length, wrong key',
      (k) => ({ authorization: `Bearer ${k.slice(0, -1)}${k.endsWith('A') ? 'B' : 'A'}` }),
    ],
    ['a prefix of the key', (k) => ({ authorization: `Bearer ${k.slice(0, 16)}` })],
    ['the key twice', (k) => ({ authorization: `Bearer ${k}${k}` })],
    ['two keys joined', () => ({ authorization: `Bearer ${env.API_KEYS}` })],
    ['key plus junk', (k) => ({ authorization: `Bearer ${k} junk` })],
  ];
  for (const [method, path, body] of SERVER_ROUTES) {
    it(`${method} ${path.slice(0, 40)}`, async () => {
      for (const [, headers] of variants) {
        const r = await call(method, path, body, { auth: false, headers: headers(key()) });
        expectProblem(r, 401, 'unauthorized');
        expect(r.headers.get('access-control-allow-origin')).toBeNull();
      }
    });
  }

  it('both configured keys work, and the scheme is case-insensitive', async () => {
    const [first, second] = env.API_KEYS!.split(',');
    const userId = newUserId('keys');
    for (const k of [first!, second!]) {
      expect(
        (await call('GET', `/v1/users/${userId}/credentials`, undefined, { auth: k })).status,
      ).toBe(200);
    }
    const lower = await call('GET', `/v1/users/${userId}/credentials`, undefined, {
      auth: false,
      headers: { authorization: `bearer ${first}` },
    });
    expect(lower.status).toBe(200);
  });
});

describe('413 payload_too_large', () => {
  const overLimit = (): string => `{"pad":"${'p'.repeat(MAX + 1 - 10)}"}`;

  it('a body of 64 KiB + 1 on server and browser routes', async () => {
    const { ticket, userId } = await pendingApproval();
    const body = overLimit();
    expect(new TextEncoder().encode(body).length).toBe(MAX + 1);
    const enrollTicket = (
      await call('POST', '/v1/enrollments', { user: { id: userId, name: 'ada' } })
    ).body.ticket;
    // Through SELF a string body carries content-length; handed to the handler directly, it may not.
    for (const via of ['self', 'app'] as const) {
      expectProblem(
        await call('POST', '/v1/actions', undefined, { raw: body, via }),
        413,
        'payload_too_large',
      );
      expectProblem(
        await call('POST', '/v1/enrollments', undefined, { raw: body, via }),
        413,
        'payload_too_large',
      );
      expectProblem(
        await call('POST', '/v1/receipts/redeem', undefined, { raw: body, via }),
        413,
        'payload_too_large',
      );
      expectProblem(
        await call('POST', `/v1/actions/${ticket}/verify`, undefined, {
          auth: false,
          raw: body,
          via,
        }),
        413,
        'payload_too_large',
      );
      expectProblem(
        await call('POST', `/v1/enrollments/${enrollTicket}`, undefined, {
          auth: false,
          raw: body,
          via,
        }),
        413,
        'payload_too_large',
      );
      // The size check comes before the API key check: no parse of anything big.
      expectProblem(
        await call('POST', '/v1/actions', undefined, { auth: false, raw: body, via }),
        413,
        'payload_too_large',
      );
    }
    // And the ticket was not touched.
    expect((await call('GET', `/v1/actions/${ticket}/status`)).body.state).toBe('pending');
  });

  it('a body of exactly 64 KiB is read', async () => {
    const userId = newUserId('big');
    const json = JSON.stringify({ user: { id: userId, name: 'ada' } });
    const exact = json + ' '.repeat(MAX - json.length);
    expect(exact.length).toBe(MAX);
    expect(
      (await call('POST', '/v1/enrollments', undefined, { raw: exact, via: 'self' })).status,
    ).toBe(201);
    expect((await call('POST', '/v1/enrollments', undefined, { raw: exact })).status).toBe(201);
  });

  it('a streamed body without content-length', async () => {
    const { ticket } = await pendingApproval();
    for (const path of ['/v1/enrollments', `/v1/actions/${ticket}/verify`]) {
      // One chunk over the limit; the stream has no length, so no content-length is sent.
      const chunk = new TextEncoder().encode(`{"pad":"${'p'.repeat(MAX)}"}`);
      const stream = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(chunk);
          c.close();
        },
      });
      const res = await SELF.fetch(`${BASE}${path}`, {
        method: 'POST',
        body: stream,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey()}` },
        duplex: 'half',
      } as RequestInit);
      const body = await res.text();
      expectProblem(
        { status: res.status, body: JSON.parse(body), headers: res.headers },
        413,
        'payload_too_large',
      );
    }
  });
});

describe('CORS and public routes', () => {
  it('browser routes answer CORS for allowed origins only', async () => {
    const { ticket } = await pendingApproval();
    const paths = [
      `/v1/actions/${ticket}`,
      `/v1/actions/${ticket}/verify`,
      `/v1/enrollments/${ticket}`,
    ];
    for (const path of paths) {
      for (const origin of [ORIGIN, 'https://app.example.com']) {
        const pre = await call('OPTIONS', path, undefined, {
          auth: false,
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'content-type',
          },
        });
        expect(pre.status).toBeLessThan(300);
        expect(pre.headers.get('access-control-allow-origin')).toBe(origin);
        expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
        expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(
          'content-type',
        );
      }
      for (const origin of [
        'https://evil.example',
        'https://app.example.com.evil.example',
        'null',
        'http://localhost:8788',
      ]) {
        const pre = await call('OPTIONS', path, undefined, {
          auth: false,
          headers: { origin, 'access-control-request-method': 'POST' },
        });
        expect(pre.headers.get('access-control-allow-origin')).toBeNull();
      }
    }
    const get = await call('GET', `/v1/actions/${ticket}`, undefined, {
      auth: false,
      headers: { origin: 'https://app.example.com' },
    });
    expect(get.status).toBe(200);
    expect(get.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const evil = await call('GET', `/v1/actions/${ticket}`, undefined, {
      auth: false,
      headers: { origin: 'https://evil.example' },
    });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    // Errors on browser routes still carry CORS, so the widget can read the code.
    const missing = await call(
      'GET',
      `/v1/actions/${'0'.repeat(64)}.${'A'.repeat(43)}`,
      undefined,
      { auth: false, headers: { origin: ORIGIN } },
    );
    expectProblem(missing, 404, 'ticket_not_found');
    expect(missing.headers.get('access-control-allow-origin')).toBe(ORIGIN);
  });

  it('the verify route carries CORS on its receipt and its problems, and caches the preflight per origin', async () => {
    const { ticket, auth } = await pendingApproval();
    const path = `/v1/actions/${ticket}/verify`;
    const pre = await call('OPTIONS', path, undefined, {
      auth: false,
      headers: {
        origin: OTHER_ALLOWED_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-max-age')).toBe('600');
    expect(pre.headers.get('vary')).toMatch(/\bOrigin\b/);
    const asText = {
      auth: false,
      headers: { origin: OTHER_ALLOWED_ORIGIN, 'content-type': 'text/plain;charset=UTF-8' },
    } as const;
    const flipped = await assertion(ticket, auth, { signature: 'flip' });
    const valid = await assertion(ticket, auth);
    const evil = await call('POST', path, flipped, {
      ...asText,
      headers: { ...asText.headers, origin: 'https://evil.example' },
    });
    expectProblem(evil, 422, 'signature_invalid');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const bad = await call('POST', path, flipped, asText);
    expectProblem(bad, 422, 'signature_invalid');
    expect(bad.headers.get('access-control-allow-origin')).toBe(OTHER_ALLOWED_ORIGIN);
    expect(bad.headers.get('vary')).toBe('Origin');
    const good = await call('POST', path, valid, asText);
    expect(good.status).toBe(200);
    expect(good.headers.get('access-control-allow-origin')).toBe(OTHER_ALLOWED_ORIGIN);
    expect(good.headers.get('vary')).toBe('Origin');
    expect(good.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('server routes send no CORS headers, even to an allowed origin', async () => {
    const userId = newUserId('cors');
    await enroll(userId);
    const { ticket } = await requestAction(userId);
    const checks: Reply[] = [
      await call(
        'POST',
        '/v1/enrollments',
        { user: { id: userId, name: 'ada' } },
        { headers: { origin: ORIGIN } },
      ),
      await call(
        'POST',
        '/v1/actions',
        { user: { id: userId }, action: WIRE },
        { headers: { origin: ORIGIN } },
      ),
      await call('GET', `/v1/actions/${ticket}/status`, undefined, { headers: { origin: ORIGIN } }),
      await call('GET', `/v1/users/${userId}/credentials`, undefined, {
        headers: { origin: ORIGIN },
      }),
      await call(
        'POST',
        '/v1/receipts/redeem',
        { receipt: 'a.b.c', audience: 'x' },
        { headers: { origin: ORIGIN } },
      ),
      await call('OPTIONS', '/v1/actions', undefined, {
        auth: false,
        headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
      }),
      await call('OPTIONS', '/v1/enrollments', undefined, {
        auth: false,
        headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
      }),
      await call('OPTIONS', `/v1/actions/${ticket}/status`, undefined, {
        auth: false,
        headers: { origin: ORIGIN, 'access-control-request-method': 'GET' },
      }),
      await call('OPTIONS', '/v1/receipts/redeem', undefined, {
        auth: false,
        headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
      }),
    ];
    for (const r of checks) {
      expect(r.status).toBeLessThan(500);
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
      expect(r.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('/widget.js is an ES module with CORS *', async () => {
    const res = await SELF.fetch(`${BASE}/widget.js`, {
      headers: { origin: 'https://anyone.example' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    const text = await res.text();
    expect(text).toContain('customElements');
  });

  it('/healthz is 200; unknown paths and methods are 404 problem+json', async () => {
    expect((await call('GET', '/healthz', undefined, { auth: false })).status).toBe(200);
    expectProblem(await call('GET', '/nope', undefined, { auth: false }), 404, 'not_found');
    expectProblem(await call('GET', '/v1/nope', undefined, { auth: false }), 404, 'not_found');
    expectProblem(await call('PUT', '/v1/actions', {}), 404, 'not_found');
    expectProblem(await call('GET', '/v1/receipts/redeem'), 404, 'not_found');
  });

  it('an unexpected error is a generic 500 problem: no message, no stack, and a log line', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      // No Durable Object binding: the handler throws a TypeError nobody anticipated.
      const r = await callApp({ VAULT: undefined }, 'POST', '/v1/enrollments', {
        user: { id: 'u-500', name: 'ada' },
      });
      expect(r.status).toBe(500);
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(r.body).toEqual({
        type: 'about:blank',
        status: 500,
        title: expect.any(String),
        code: 'internal_error',
      });
      expect(JSON.stringify(r.body)).not.toMatch(/TypeError|undefined|\.ts\b|at /);
      expect(errors).toHaveBeenCalled();
    } finally {
      errors.mockRestore();
    }
  });

  it('hosted pages render for a well-formed ticket and 404 for garbage', async () => {
    const { ticket } = await pendingApproval();
    const page = await SELF.fetch(`${BASE}/approve/${ticket}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('psea-approve');
    const bad = await SELF.fetch(`${BASE}/enroll/<script>`);
    expect(bad.status).toBe(404);
    expect(await bad.text()).not.toContain('<script>alert');
  });
});
