/** Tickets: unknown, of the other kind, single-use; actions need an active credential. */
import { describe, expect, it } from 'vitest';
import { SoftAuthenticator } from '../support/soft-authenticator';
import {
  ORIGIN,
  WIRE,
  actionState,
  assertion,
  call,
  credentialsOf,
  enroll,
  enrollmentOptions,
  enrollmentTicket,
  expectProblem,
  newUserId,
  pendingApproval,
  postEnrollment,
  requestAction,
  verify,
} from './harness';

/** Every route that takes a ticket, answering `ticket`. */
async function everyTicketRoute(ticket: string) {
  const enc = encodeURIComponent(ticket);
  return {
    details: await call('GET', `/v1/actions/${enc}`, undefined, { auth: false }),
    verify: await call(
      'POST',
      `/v1/actions/${enc}/verify`,
      {
        id: 'AA',
        rawId: 'AA',
        type: 'public-key',
        response: { clientDataJSON: 'AA', authenticatorData: 'AA', signature: 'AA' },
      },
      { auth: false },
    ),
    status: await call('GET', `/v1/actions/${enc}/status`),
    enrollOptions: await call('GET', `/v1/enrollments/${enc}`, undefined, { auth: false }),
    enrollPost: await call(
      'POST',
      `/v1/enrollments/${enc}`,
      {
        id: 'AA',
        rawId: 'AA',
        type: 'public-key',
        response: { clientDataJSON: 'AA', attestationObject: 'AA' },
      },
      { auth: false },
    ),
  };
}

describe('404 ticket_not_found', () => {
  it('garbage, unknown, over-long and tampered tickets, on every ticket route', async () => {
    const { ticket } = await pendingApproval();
    const [vaultPart, secret] = ticket.split('.') as [string, string];
    const otherSecret = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A');
    const candidates = [
      'garbage',
      'x',
      `${vaultPart}.`,
      vaultPart,
      `${vaultPart}.${otherSecret}`, // the user's vault, an unknown secret
      `${'0'.repeat(64)}.${secret}`, // well-formed, no such vault
      `${'f'.repeat(64)}.${secret}`,
      `${vaultPart.toUpperCase()}.${secret}`,
      `${vaultPart}.${secret}x`,
      `${vaultPart}.${secret}.${secret}`,
      `${ticket}${'a'.repeat(513 - ticket.length)}`, // 513 characters
      'a'.repeat(513),
      'a'.repeat(2000),
      '%00',
      `${vaultPart}%2E${secret}`,
    ];
    expect(candidates[10]).toHaveLength(513);
    for (const t of candidates) {
      const r = await everyTicketRoute(t);
      for (const [route, reply] of Object.entries(r)) {
        try {
          expectProblem(reply, 404, 'ticket_not_found');
        } catch (err) {
          throw new Error(`${route} ${t.slice(0, 80)}: ${(err as Error).message}`);
        }
      }
    }
    // None of it touched the real ticket.
    expect((await actionState(ticket)).state).toBe('pending');
  });

  it('an enrollment ticket is not an action ticket, and the other way round', async () => {
    const userId = newUserId('kind');
    const { auth } = await enroll(userId);
    const enrollTicket = await enrollmentTicket(userId);
    const { ticket: actionTicket } = await requestAction(userId);

    expectProblem(
      await call('GET', `/v1/actions/${enrollTicket}`, undefined, { auth: false }),
      404,
      'ticket_not_found',
    );
    expectProblem(await call('GET', `/v1/actions/${enrollTicket}/status`), 404, 'ticket_not_found');
    // A real assertion, for the right user, posted against the enrollment ticket.
    const good = await assertion(actionTicket, auth);
    expectProblem(await verify(enrollTicket, good), 404, 'ticket_not_found');

    expectProblem(
      await call('GET', `/v1/enrollments/${actionTicket}`, undefined, { auth: false }),
      404,
      'ticket_not_found',
    );
    const second = await SoftAuthenticator.create();
    const reg = await second.register(await enrollmentOptions(enrollTicket), { origin: ORIGIN });
    expectProblem(await postEnrollment(actionTicket, reg), 404, 'ticket_not_found');

    // Nor is an action ticket one whose held passkey can be approved.
    expectProblem(
      await call('POST', `/v1/enrollments/${actionTicket}/approve`, good, { auth: false }),
      404,
      'ticket_not_found',
    );

    // Both tickets are still good for their own kind (the user has a passkey: the new one is held).
    expect((await postEnrollment(enrollTicket, reg)).status).toBe(202);
    expect((await verify(actionTicket, good)).status).toBe(200);
  });
});

describe('409 not_enrolled', () => {
  it('an action for a user never enrolled', async () => {
    const r = await call('POST', '/v1/actions', { user: { id: newUserId('never') }, action: WIRE });
    expectProblem(r, 409, 'not_enrolled');
  });

  it('an action for a user with an enrollment ticket but no credential yet', async () => {
    const userId = newUserId('half');
    await enrollmentTicket(userId);
    expectProblem(
      await call('POST', '/v1/actions', { user: { id: userId }, action: WIRE }),
      409,
      'not_enrolled',
    );
  });

  it('an action for a user whose only credential was revoked', async () => {
    const userId = newUserId('revoked');
    const { auth } = await enroll(userId);
    await requestAction(userId);
    const del = await call('DELETE', `/v1/users/${userId}/credentials/${auth.credentialId}`);
    expect(del.status).toBe(204);
    expectProblem(
      await call('POST', '/v1/actions', { user: { id: userId }, action: WIRE }),
      409,
      'not_enrolled',
    );
    const [cred] = await credentialsOf(userId);
    expect(cred).toMatchObject({ id: auth.credentialId, state: 'revoked' });
  });

  it("revoking an unknown credential is 404, and one user cannot revoke another user's credential", async () => {
    const a = newUserId('a');
    const b = newUserId('b');
    const { auth } = await enroll(a);
    await enroll(b);
    const r = await call('DELETE', `/v1/users/${b}/credentials/${auth.credentialId}`);
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await credentialsOf(a))[0].state).toBe('active');
  });
});

describe('409 ticket_used', () => {
  it('a second verify after success, with the same and with a fresh assertion', async () => {
    const { ticket, auth, userId } = await pendingApproval();
    const good = await assertion(ticket, auth);
    const ok = await verify(ticket, good);
    expect(ok.status).toBe(200);
    expectProblem(await verify(ticket, good), 409, 'ticket_used');
    // Details of a used ticket are gone too (the page cannot re-run the ceremony).
    expectProblem(
      await call('GET', `/v1/actions/${ticket}`, undefined, { auth: false }),
      409,
      'ticket_used',
    );
    // A different, valid assertion (higher counter) for the same ticket is still a replay of the ticket.
    const fresh = await assertion((await requestAction(userId)).ticket, auth);
    expectProblem(await verify(ticket, fresh), 409, 'ticket_used');
    expect(await actionState(ticket)).toEqual({ state: 'approved', receipt: ok.body.receipt });
    // ticket_used is not a failed attempt: nothing burns.
    for (let i = 0; i < 6; i++) expectProblem(await verify(ticket, good), 409, 'ticket_used');
    expect((await actionState(ticket)).state).toBe('approved');
  });

  it('a second enrollment post, and its options', async () => {
    const userId = newUserId('enr');
    const auth = await SoftAuthenticator.create();
    const ticket = await enrollmentTicket(userId);
    const reg = await auth.register(await enrollmentOptions(ticket), { origin: ORIGIN });
    expect((await postEnrollment(ticket, reg)).status).toBe(201);
    expectProblem(await postEnrollment(ticket, reg), 409, 'ticket_used');
    const other = await SoftAuthenticator.create();
    const reg2 = await other.register(
      { ...(await enrollmentOptions(await enrollmentTicket(userId))) },
      { origin: ORIGIN },
    );
    expectProblem(await postEnrollment(ticket, reg2), 409, 'ticket_used');
    expectProblem(
      await call('GET', `/v1/enrollments/${ticket}`, undefined, { auth: false }),
      409,
      'ticket_used',
    );
    expect(await credentialsOf(userId)).toHaveLength(1);
  });
});
