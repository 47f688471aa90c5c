/** The demo (DEMO=true): its status relay and its POSTs. (Each test failed before its fix.) */
import { describe, expect, it } from 'vitest';
import {
  BASE,
  ORIGIN,
  assertion,
  callApp,
  enroll,
  expectProblem,
  pendingApproval,
  verify,
} from './harness';

describe('the demo (DEMO=true)', () => {
  // The demo is refused unless every origin is loopback.
  const DEMO = { DEMO: 'true', ALLOWED_ORIGINS: ORIGIN };
  it("relays the status of the demo user's tickets only, and takes POSTs from its own page only", async () => {
    const { ticket, auth } = await pendingApproval();
    expect((await verify(ticket, await assertion(ticket, auth))).status).toBe(200);
    // Another user's approved ticket: the relay must not hand out its receipt.
    const relayed = await callApp(DEMO, 'GET', `/demo/api/status/${ticket}`, undefined, {
      auth: false,
    });
    expectProblem(relayed, 404, 'ticket_not_found');
    expect(JSON.stringify(relayed.body)).not.toContain('receipt');
    const noOrigin = await callApp(DEMO, 'POST', '/demo/api/enroll', {}, { auth: false });
    expectProblem(noOrigin, 401, 'unauthorized');
    const fromPage = await callApp(
      DEMO,
      'POST',
      '/demo/api/enroll',
      {},
      { auth: false, headers: { origin: new URL(BASE).origin } },
    );
    expect(fromPage.status).toBe(200);
    expect(fromPage.body.ticket).toEqual(expect.any(String));
  });
});
