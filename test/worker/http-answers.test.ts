/** HTTP answers: CORS on a 413, and nothing cached. (Each test failed before its fix.) */
import { describe, expect, it } from 'vitest';
import { ORIGIN, assertion, call, expectProblem, pendingApproval, verify } from './harness';

describe('HTTP', () => {
  it('a 413 on a browser route carries CORS for an allowed origin, so the widget can read it; a server route gets none', async () => {
    const { ticket } = await pendingApproval();
    const big = JSON.stringify({ pad: 'x'.repeat(65 * 1024) });
    const r = await call('POST', `/v1/actions/${ticket}/verify`, undefined, {
      auth: false,
      raw: big,
      headers: { 'content-type': 'application/json', origin: ORIGIN },
    });
    expectProblem(r, 413, 'payload_too_large');
    expect(r.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const evil = await call('POST', `/v1/actions/${ticket}/verify`, undefined, {
      auth: false,
      raw: big,
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
    });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const server = await call('POST', '/v1/actions', undefined, {
      raw: big,
      headers: { 'content-type': 'application/json', origin: ORIGIN },
    });
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
