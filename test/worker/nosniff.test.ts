/**
 * Every `/v1/…` answer carries `X-Content-Type-Options: nosniff` (SPEC
 * "Service hygiene"): successes, problems, the body limit's 413, not found,
 * preflights, and what the error boundary makes of the unexpected.
 */
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import {
  ORIGIN,
  assertion,
  call,
  callApp,
  newUserId,
  pendingApproval,
  verify,
  type Reply,
} from './harness';

let errors: MockInstance<typeof console.error>;
beforeEach(() => {
  errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => errors.mockRestore());

const nosniff = (r: Reply, what: string) =>
  expect(r.headers.get('x-content-type-options'), `${what} (${r.status})`).toBe('nosniff');

describe('X-Content-Type-Options: nosniff', () => {
  it('on successes of every kind', async () => {
    const { ticket, auth, userId } = await pendingApproval();
    const signed = await assertion(ticket, auth);
    nosniff(await call('GET', `/v1/actions/${ticket}`, undefined, { auth: false }), 'details');
    nosniff(await verify(ticket, signed), 'verify 200');
    nosniff(await call('GET', `/v1/actions/${ticket}/status`), 'status');
    nosniff(
      await call('POST', '/v1/enrollments', { user: { id: newUserId(), name: 'n' } }),
      'enrollments 201',
    );
    nosniff(await call('GET', `/v1/users/${userId}/credentials`), 'credentials');
    nosniff(
      await call('DELETE', `/v1/users/${userId}/credentials/${auth.credentialId}`),
      'revoke 204',
    );
    nosniff(
      await call('OPTIONS', `/v1/actions/${ticket}/verify`, undefined, {
        auth: false,
        headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
      }),
      'preflight',
    );
  });

  it('on problems: 400, 401, 404 (ticket and route), 409, 413 (declared and streamed), 422', async () => {
    const { ticket, auth } = await pendingApproval();
    const signed = await assertion(ticket, auth);
    nosniff(await verify(ticket, { nope: 1 }), '400');
    nosniff(await call('GET', '/v1/users/u/credentials', undefined, { auth: 'wrong-key' }), '401');
    nosniff(
      await call('GET', `/v1/actions/${'a'.repeat(64)}.${'b'.repeat(43)}`, undefined, {
        auth: false,
      }),
      '404 ticket',
    );
    nosniff(await call('GET', '/v1/nope', undefined, { auth: false }), '404 route');
    nosniff(await call('PUT', '/v1/actions'), '404 method');
    nosniff(
      await verify(ticket, {
        ...signed,
        response: { ...signed.response, signature: signed.response.authenticatorData },
      }),
      '422',
    );
    expect((await verify(ticket, signed)).status).toBe(200);
    nosniff(await verify(ticket, signed), '409');
    const big = JSON.stringify({ pad: 'x'.repeat(65 * 1024) });
    const declared = await call('POST', `/v1/actions/${ticket}/verify`, undefined, {
      auth: false,
      raw: big,
      headers: { 'content-type': 'application/json' },
    });
    expect(declared.status).toBe(413);
    nosniff(declared, '413 declared');
    const streamed = await call('POST', '/v1/actions', undefined, {
      raw: new Blob([big]).stream(),
      headers: { 'content-type': 'application/json' },
    });
    expect(streamed.status).toBe(413);
    nosniff(streamed, '413 streamed');
  });

  it('on 500s: misconfigured, and the generic internal_error of the error boundary', async () => {
    const misconfigured = await callApp({ API_KEYS: '' }, 'GET', '/v1/users/u/credentials');
    expect(misconfigured.status).toBe(500);
    nosniff(misconfigured, 'misconfigured');
    const unexpected = await callApp({ VAULT: undefined }, 'POST', '/v1/enrollments', {
      user: { id: 'u-500', name: 'ada' },
    });
    expect(unexpected.body.code).toBe('internal_error');
    nosniff(unexpected, 'internal_error');
  });
});
