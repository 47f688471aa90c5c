/**
 * psea/client against a fake fetch: what each method sends (route, method,
 * bearer, body), how answers become `PseaError`s, and what a hostile value
 * in a ticket or user id cannot do to the path.
 */
import { describe, expect, it } from 'vitest';
import { PROBLEMS } from '../../worker/errors.ts';
import {
  PseaClient,
  PseaError,
  SERVICE_ERROR_CODES,
  CLIENT_ERROR_CODES,
} from '../../packages/psea/src/client/index.ts';
import { fakeFetch, json, problem } from '../support/fake-fetch';

const BASE = 'https://approve.example.com';
const API_KEY = 'k'.repeat(40);
const client = (f: typeof fetch, extra = {}) =>
  new PseaClient({ baseUrl: BASE, apiKey: API_KEY, fetch: f, ...extra });
const rejection = (p: Promise<unknown>) =>
  p.then(
    () => expect.unreachable('resolved'),
    (e: unknown) => e as PseaError,
  );

describe('psea/client requests', () => {
  it('sends each method to its route, with the API key, JSON bodies and no redirect following', async () => {
    const { fetch, calls } = fakeFetch((req) =>
      req.method === 'DELETE'
        ? new Response(null, { status: 204 })
        : json({ ok: 1 }, req.method === 'POST' ? 201 : 200),
    );
    const psea = client(fetch);
    await psea.createEnrollment({ user: { id: 'u 1', name: 'ada@example.com' } });
    await psea.requestApproval({
      user: { id: 'u 1' },
      action: { type: 'wire.transfer', amount: '1' },
      reference: 'r-1',
      callbackUrl: 'https://hooks.example.com/psea',
    });
    await psea.redeem('jwt', 'payments-api');
    await psea.credentials.list('u 1');
    expect(await psea.credentials.revoke('u 1', 'cred/1')).toBeUndefined();
    await psea.offlineGrants('u 1', { count: 2, ttl: 600, audience: 'door', types: ['door.*'] });
    await psea.evidence('t1', { since: 3, attestation: true });
    await psea.evidence('t1');
    expect(calls.map((c) => `${c.method} ${c.url.pathname}${c.url.search}`)).toEqual([
      'POST /v1/enrollments',
      'POST /v1/actions',
      'POST /v1/receipts/redeem',
      'GET /v1/users/u%201/credentials',
      'DELETE /v1/users/u%201/credentials/cred%2F1',
      'POST /v1/users/u%201/offline-grants',
      'GET /v1/actions/t1/evidence?since=3&attestation=1',
      'GET /v1/actions/t1/evidence',
    ]);
    for (const c of calls) {
      expect(c.headers.get('authorization')).toBe(`Bearer ${API_KEY}`);
      expect(c.redirect).toBe('manual');
      expect(c.headers.get('content-type')).toBe(c.method === 'POST' ? 'application/json' : null);
    }
    expect(JSON.parse(calls[1]!.body!)).toEqual({
      user: { id: 'u 1' },
      action: { type: 'wire.transfer', amount: '1' },
      reference: 'r-1',
      callbackUrl: 'https://hooks.example.com/psea',
    });
    expect(JSON.parse(calls[2]!.body!)).toEqual({ receipt: 'jwt', audience: 'payments-api' });
  });

  it('status: ?wait= when asked, and the status token instead of the API key', async () => {
    const { fetch, calls } = fakeFetch(() => json({ state: 'pending', reference: 'r-1' }));
    const psea = client(fetch);
    expect(await psea.status('t1')).toEqual({ state: 'pending', reference: 'r-1' });
    await psea.status('t1', { wait: 30, statusToken: 'st-secret' });
    expect(calls.map((c) => c.url.pathname + c.url.search)).toEqual([
      '/v1/actions/t1/status',
      '/v1/actions/t1/status?wait=30',
    ]);
    expect(calls[1]!.headers.get('authorization')).toBe('Bearer st-secret');
    // A waiter with only the status token needs no API key at all.
    const waiter = new PseaClient({ baseUrl: BASE, fetch });
    await waiter.status('t1', { statusToken: 'st-secret' });
    expect(calls[2]!.headers.get('authorization')).toBe('Bearer st-secret');
    expect(
      (await rejection(waiter.requestApproval({ user: { id: 'u' }, action: { type: 't' } }))).code,
    ).toBe('invalid_options');
    expect(calls).toHaveLength(3);
  });

  it('attack: a ticket or id that tries to walk the path stays one segment, and "." or ".." is refused before any request', async () => {
    const { fetch, calls } = fakeFetch(() => json({ state: 'pending', credentials: [] }));
    const psea = client(fetch);
    await psea.status('../../users/victim/credentials?x=1#');
    await psea.credentials.list('victim/../../actions');
    expect(calls.map((c) => c.url.pathname)).toEqual([
      '/v1/actions/..%2F..%2Fusers%2Fvictim%2Fcredentials%3Fx%3D1%23/status',
      '/v1/users/victim%2F..%2F..%2Factions/credentials',
    ]);
    expect(calls.every((c) => c.url.search === '')).toBe(true);
    for (const bad of ['.', '..', '']) {
      expect((await rejection(psea.credentials.list(bad))).code).toBe('invalid_options');
      expect((await rejection(psea.status(bad))).code).toBe('invalid_options');
      expect((await rejection(psea.credentials.revoke('u', bad))).code).toBe('invalid_options');
    }
    expect(calls).toHaveLength(2);
  });

  it('refuses a base URL that would send the API key in clear or elsewhere', () => {
    for (const baseUrl of [
      'http://approve.example.com',
      'ftp://x',
      'not a url',
      'https://user:pw@approve.example.com',
      'https://approve.example.com/?a=1',
    ]) {
      expect(() => new PseaClient({ baseUrl, apiKey: API_KEY }), baseUrl).toThrow(PseaError);
    }
    for (const baseUrl of [
      'http://localhost:8787',
      'http://127.0.0.1:1/',
      'http://[::1]:2',
      'https://approve.example.com/psea/',
    ]) {
      expect(() => new PseaClient({ baseUrl, apiKey: API_KEY }), baseUrl).not.toThrow();
    }
    for (const apiKey of ['', 'key with space', 'key\r\nx-evil: 1'])
      expect(() => new PseaClient({ baseUrl: BASE, apiKey })).toThrow(PseaError);
    expect(() => new PseaClient({ baseUrl: BASE, apiKey: API_KEY, retries: -1 })).toThrow(
      PseaError,
    );
  });

  it('attack: a status token with a CR LF cannot add a header; it is refused before any request', async () => {
    const { fetch, calls } = fakeFetch(() => json({ state: 'pending' }));
    const err = await rejection(
      client(fetch).status('t1', { statusToken: 'st\r\nx-api-key: stolen' }),
    );
    expect(err.code).toBe('invalid_options');
    expect(err.message).not.toContain('stolen');
    expect(calls).toHaveLength(0);
  });

  it('keeps a path prefix of the base URL', async () => {
    const { fetch, calls } = fakeFetch(() => json({ credentials: [] }));
    await new PseaClient({
      baseUrl: 'https://api.example.com/psea/',
      apiKey: API_KEY,
      fetch,
    }).credentials.list('u');
    expect(calls[0]!.url.href).toBe('https://api.example.com/psea/v1/users/u/credentials');
  });
});

describe('psea/client errors', () => {
  it('a problem becomes PseaError with its code, status, detail and whole body', async () => {
    const { fetch } = fakeFetch(() =>
      problem(400, 'invalid_request', { detail: 'action.type: Required' }),
    );
    const err = await rejection(
      client(fetch).requestApproval({ user: { id: 'u' }, action: { type: '' } }),
    );
    expect(err).toBeInstanceOf(PseaError);
    expect(err).toMatchObject({
      name: 'PseaError',
      code: 'invalid_request',
      status: 400,
      detail: 'action.type: Required',
    });
    expect(err.problem).toEqual({
      type: 'about:blank',
      status: 400,
      title: 'title of invalid_request',
      code: 'invalid_request',
      detail: 'action.type: Required',
    });
    expect(err.message).toContain('action.type: Required');
  });

  it.each([
    [409, 'not_enrolled'],
    [404, 'ticket_not_found'],
    [409, 'receipt_redeemed'],
    [401, 'receipt_invalid'],
    [409, 'not_approved'],
    [500, 'misconfigured'],
  ])('%i %s keeps its code', async (status, code) => {
    const { fetch } = fakeFetch(() => problem(status, code));
    expect(await rejection(client(fetch).redeem('jwt', 'a'))).toMatchObject({ code, status });
  });

  it("an answer that is not the service's problem is invalid_response, and says nothing of the body", async () => {
    const answers = [
      new Response('<html>Bad gateway, secret-ish proxy page</html>', {
        status: 502,
        headers: { 'content-type': 'text/html' },
      }),
      problem(418, 'made_up_code'),
      new Response(null, { status: 302, headers: { location: 'https://evil.example/' } }),
      new Response('not json', { status: 200 }),
      json('a string', 200),
    ];
    for (const answer of answers) {
      const { fetch } = fakeFetch(() => answer);
      const err = await rejection(client(fetch).credentials.list('u'));
      expect(err.code).toBe('invalid_response');
      expect(err.status).toBe(answer.status);
      expect(err.message).not.toMatch(/secret|evil|made_up/);
    }
  });

  it('a status answer without a known state is invalid_response, not a pending forever', async () => {
    const { fetch } = fakeFetch(() => json({ state: 'approvedd' }));
    expect((await rejection(client(fetch).status('t'))).code).toBe('invalid_response');
  });

  it('never puts the API key or a status token in a message', async () => {
    const { fetch } = fakeFetch(() => problem(401, 'unauthorized'));
    const errs = [
      await rejection(client(fetch).credentials.list('u')),
      await rejection(client(fetch).status('t', { statusToken: 'st-secret' })),
    ];
    for (const err of errs)
      expect(
        JSON.stringify({ m: err.message, d: err.detail, p: err.problem, s: err.stack }),
      ).not.toMatch(new RegExp(`${API_KEY}|st-secret`));
  });

  it("the code union holds every code the service answers, and the client's own apart", () => {
    for (const code of Object.keys(PROBLEMS)) expect(SERVICE_ERROR_CODES).toContain(code);
    expect(
      CLIENT_ERROR_CODES.filter((c) => (SERVICE_ERROR_CODES as readonly string[]).includes(c)),
    ).toEqual([]);
    expect([...CLIENT_ERROR_CODES].sort()).toEqual([
      'aborted',
      'invalid_options',
      'invalid_response',
      'network_error',
      'timeout',
      'webhook_invalid',
    ]);
  });
});
