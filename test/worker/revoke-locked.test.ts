/** Revoking a locked credential keeps it locked. (Each test failed before its fix.) */
import { describe, expect, it } from 'vitest';
import {
  assertion,
  call,
  credentialsOf,
  enroll,
  expectProblem,
  newUserId,
  nextMillisecond,
  requestAction,
  verify,
} from './harness';

describe('revoking a locked credential', () => {
  it('keeps it locked (the sign it may be cloned), answers 204, and an unknown id is still 404', async () => {
    const userId = newUserId('locked');
    const { auth } = await enroll(userId);
    const first = await requestAction(userId);
    expect(
      (await verify(first.ticket, await assertion(first.ticket, auth, { counter: 5 }))).status,
    ).toBe(200);
    await nextMillisecond();
    const second = await requestAction(userId);
    expectProblem(
      await verify(second.ticket, await assertion(second.ticket, auth, { counter: 3 })),
      422,
      'counter_regression',
    );
    const [cred] = await credentialsOf(userId);
    expect(cred.state).toBe('locked');
    const path = `/v1/users/${encodeURIComponent(userId)}/credentials/${cred.id}`;
    expect((await call('DELETE', path)).status).toBe(204);
    expect((await credentialsOf(userId))[0].state).toBe('locked');
    expectProblem(
      await call('DELETE', `/v1/users/${encodeURIComponent(userId)}/credentials/AAAA`),
      404,
      'not_found',
    );
  });
});
