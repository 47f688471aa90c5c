/**
 * Edges a second audit found in ids, expiry, revocation, configuration,
 * CORS, caching and the demo; each test failed before its fix.
 */
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:test';
import {
  BASE,
  ORIGIN,
  WIRE,
  assertion,
  call,
  callApp,
  credentialsOf,
  enroll,
  expectProblem,
  newUserId,
  nextMillisecond,
  pendingApproval,
  requestAction,
  ticketRow,
  verify,
} from './harness';

describe('user ids a URL path cannot carry', () => {
  it('"." and ".." are refused where a user is named in a body, so no credential is ever out of reach of DELETE', async () => {
    for (const id of ['.', '..']) {
      const e = await call('POST', '/v1/enrollments', { user: { id, name: 'n' } });
      expectProblem(e, 400, 'invalid_request');
      expect(e.body.detail).toMatch(/^user\.id: /);
      expectProblem(await call('POST', '/v1/actions', { user: { id }, action: WIRE }), 400, 'invalid_request');
    }
    // Dots inside an id are ordinary characters.
    expect((await call('POST', '/v1/enrollments', { user: { id: '...', name: 'n' } })).status).toBe(201);
  });
});

describe('expiry', () => {
  it('expiresAt is the stored expiry exactly: a ticket is expired from that second on, never later', async () => {
    const userId = newUserId('exp');
    await enroll(userId);
    const { ticket, expiresAt } = await requestAction(userId, { ttl: 60 });
    expect((await ticketRow(userId, ticket)).expires_at).toBe(Date.parse(expiresAt));
  });
});

describe('revoking a locked credential', () => {
  it('keeps it locked (the sign it may be cloned), answers 204, and an unknown id is still 404', async () => {
    const userId = newUserId('locked');
    const { auth } = await enroll(userId);
    const first = await requestAction(userId);
    expect((await verify(first.ticket, await assertion(first.ticket, auth, { counter: 5 }))).status).toBe(200);
    await nextMillisecond();
    const second = await requestAction(userId);
    expectProblem(await verify(second.ticket, await assertion(second.ticket, auth, { counter: 3 })), 422, 'counter_regression');
    const [cred] = await credentialsOf(userId);
    expect(cred.state).toBe('locked');
    const path = `/v1/users/${encodeURIComponent(userId)}/credentials/${cred.id}`;
    expect((await call('DELETE', path)).status).toBe(204);
    expect((await credentialsOf(userId))[0].state).toBe('locked');
    expectProblem(await call('DELETE', `/v1/users/${encodeURIComponent(userId)}/credentials/AAAA`), 404, 'not_found');
  });
});

describe('configuration that could never work fails closed', () => {
  const create = (over: Partial<Cloudflare.Env>) => callApp(over, 'POST', '/v1/actions', { user: { id: newUserId('cfg') }, action: WIRE });

  it('RP_ID must be a domain: no IP address, empty label, leading hyphen or trailing dot', async () => {
    for (const rpId of ['127.0.0.1', '..', '-', 'localhost.', 'a..b', '-a.example']) expectProblem(await create({ RP_ID: rpId }), 500, 'misconfigured');
    for (const rpId of ['localhost', 'approve.example.com', 'xn--bcher-kva.example']) expect((await create({ RP_ID: rpId, ISSUER: rpId === 'localhost' ? '' : `https://${rpId}` })).status).toBe(409);
  });

  it('TTLs are plain decimal integers: "0x10" and "1e3" are not', async () => {
    for (const ttl of ['0x10', '1e3', '+60', '60.0']) expectProblem(await create({ TICKET_TTL_SECONDS: ttl }), 500, 'misconfigured');
    expect((await create({ TICKET_TTL_SECONDS: ' 60 ' })).status).toBe(409);
  });

  it('a signing key whose key_ops leave out "sign" is refused', async () => {
    const key = JSON.parse(env.RECEIPT_SIGNING_KEYS!).keys[0];
    const jwks = (keyOps: string[]) => callApp({ RECEIPT_SIGNING_KEYS: JSON.stringify({ keys: [{ ...key, key_ops: keyOps }] }) }, 'GET', '/.well-known/jwks.json', undefined, { auth: false });
    expectProblem(await jwks(['encrypt']), 500, 'misconfigured');
    expect((await jwks(['sign'])).status).toBe(200);
  });
});

describe('HTTP', () => {
  it('a 413 on a browser route carries CORS for an allowed origin, so the widget can read it; a server route gets none', async () => {
    const { ticket } = await pendingApproval();
    const big = JSON.stringify({ pad: 'x'.repeat(65 * 1024) });
    const r = await call('POST', `/v1/actions/${ticket}/verify`, undefined, { auth: false, raw: big, headers: { 'content-type': 'application/json', origin: ORIGIN } });
    expectProblem(r, 413, 'payload_too_large');
    expect(r.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const evil = await call('POST', `/v1/actions/${ticket}/verify`, undefined, { auth: false, raw: big, headers: { 'content-type': 'application/json', origin: 'https://evil.example' } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const server = await call('POST', '/v1/actions', undefined, { raw: big, headers: { 'content-type': 'application/json', origin: ORIGIN } });
    expectProblem(server, 413, 'payload_too_large');
    expect(server.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('API answers are never cached: details, verify and the status that carries the receipt', async () => {
    const { ticket, auth } = await pendingApproval();
    const details = await call('GET', `/v1/actions/${ticket}`, undefined, { auth: false });
    const ok = await verify(ticket, await assertion(ticket, auth));
    const status = await call('GET', `/v1/actions/${ticket}/status`);
    expect(status.body.receipt).toBe(ok.body.receipt);
    for (const r of [details, ok, status]) expect(r.headers.get('cache-control')).toBe('no-store');
  });
});

describe('the demo (DEMO=true)', () => {
  // The demo is refused unless every origin is loopback.
  const DEMO = { DEMO: 'true', ALLOWED_ORIGINS: ORIGIN };
  it("relays the status of the demo user's tickets only, and takes POSTs from its own page only", async () => {
    const { ticket, auth } = await pendingApproval();
    expect((await verify(ticket, await assertion(ticket, auth))).status).toBe(200);
    // Another user's approved ticket: the relay must not hand out its receipt.
    const relayed = await callApp(DEMO, 'GET', `/demo/api/status/${ticket}`, undefined, { auth: false });
    expectProblem(relayed, 404, 'ticket_not_found');
    expect(JSON.stringify(relayed.body)).not.toContain('receipt');
    const noOrigin = await callApp(DEMO, 'POST', '/demo/api/enroll', {}, { auth: false });
    expectProblem(noOrigin, 401, 'unauthorized');
    const fromPage = await callApp(DEMO, 'POST', '/demo/api/enroll', {}, { auth: false, headers: { origin: new URL(BASE).origin } });
    expect(fromPage.status).toBe(200);
    expect(fromPage.body.ticket).toEqual(expect.any(String));
  });
});
