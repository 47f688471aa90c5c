/** User ids a URL path cannot carry. (Each test failed before its fix.) */
import { describe, expect, it } from 'vitest';
import { WIRE, call, expectProblem } from './harness';

describe('user ids a URL path cannot carry', () => {
  it('"." and ".." are refused where a user is named in a body, so no credential is ever out of reach of DELETE', async () => {
    for (const id of ['.', '..']) {
      const e = await call('POST', '/v1/enrollments', { user: { id, name: 'n' } });
      expectProblem(e, 400, 'invalid_request');
      expect(e.body.detail).toMatch(/^user\.id: /);
      expectProblem(
        await call('POST', '/v1/actions', { user: { id }, action: WIRE }),
        400,
        'invalid_request',
      );
    }
    // Dots inside an id are ordinary characters.
    expect((await call('POST', '/v1/enrollments', { user: { id: '...', name: 'n' } })).status).toBe(
      201,
    );
  });
});
