/**
 * The statusToken (SPEC "Waiting for an approval"): ≥ 128 random bits that
 * authorise only this ticket's status route, so the party that waits needs
 * no API key. Attacks first: the token on other tickets and other routes.
 */
import { describe, expect, it } from 'vitest';
import { sha256B64url } from '../../packages/psea/src/internal/sha256-b64url';
import { ticketHash } from '../../worker/http/ticket';
import {
  SERVER_ROUTES,
  WIRE,
  assertion,
  call,
  expectProblem,
  pendingApproval,
  vaultRows,
  verify,
} from './harness';

const statusWith = (ticket: string, token: string, query = '') =>
  call('GET', `/v1/actions/${ticket}/status${query}`, undefined, { auth: token });

describe('statusToken', () => {
  it('is issued with every action ticket: 256 random bits, base64url, one per ticket, only its hash stored', async () => {
    const a = await pendingApproval();
    const b = await pendingApproval();
    const token = a.statusToken;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(token).not.toBe(b.statusToken);
    expect(token).not.toBe(a.ticket.split('.')[1]);
    const [row] = await vaultRows<Record<string, SqlStorageValue>>(
      a.userId,
      'SELECT * FROM tickets WHERE hash = ?',
      await ticketHash(a.ticket),
    );
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row!.status_token).toBe(await sha256B64url(token));
  });

  it("authorises its own ticket's status, with and without wait; the API key still does", async () => {
    const { ticket, auth, statusToken } = await pendingApproval({}, { reference: 'x-1' });
    expect((await statusWith(ticket, statusToken)).body).toEqual({
      state: 'pending',
      reference: 'x-1',
    });
    const approved = await verify(ticket, await assertion(ticket, auth));
    expect((await statusWith(ticket, statusToken, '?wait=5')).body).toEqual({
      state: 'approved',
      receipt: approved.body.receipt,
      reference: 'x-1',
    });
    expect((await call('GET', `/v1/actions/${ticket}/status`)).body.state).toBe('approved');
  });

  it("does not authorise another ticket's status, of the same user or another", async () => {
    const a = await pendingApproval();
    const other = await pendingApproval();
    const sameUser = await call('POST', '/v1/actions', { user: { id: a.userId }, action: WIRE });
    expectProblem(await statusWith(other.ticket, a.statusToken), 401, 'unauthorized');
    expectProblem(await statusWith(sameUser.body.ticket, a.statusToken), 401, 'unauthorized');
    expectProblem(
      await statusWith(sameUser.body.ticket, a.statusToken, '?wait=5'),
      401,
      'unauthorized',
    );
    // An unknown or malformed ticket is 401 too: a token learns nothing about tickets.
    expectProblem(
      await statusWith(`${a.ticket.slice(0, 65)}${'A'.repeat(43)}`, a.statusToken),
      401,
      'unauthorized',
    );
    expectProblem(await statusWith('not-a-ticket', a.statusToken), 401, 'unauthorized');
  });

  it("works on no other route: every server route refuses it as it refuses a wrong key, its own ticket's evidence and its user's log included", async () => {
    const { statusToken, ticket, auth, userId } = await pendingApproval();
    await verify(ticket, await assertion(ticket, auth));
    const own: [string, string, unknown?][] = [
      ['GET', `/v1/actions/${ticket}/evidence`],
      ['GET', `/v1/users/${userId}/log`],
      ['GET', `/v1/users/${userId}/log/consistency?from=0`],
      ['GET', `/v1/users/${userId}/credentials`],
      ['POST', '/v1/actions', { user: { id: userId }, action: WIRE }],
    ];
    for (const [method, path, body] of [
      ...SERVER_ROUTES.filter(([, p]) => !p.endsWith('/status')),
      ...own,
    ]) {
      expectProblem(await call(method, path, body, { auth: statusToken }), 401, 'unauthorized');
    }
    // The API key still reads it: the token was refused, not the route.
    expect((await call('GET', `/v1/actions/${ticket}/evidence`)).status).toBe(200);
  });

  it('neither the ticket nor a near-miss token authorises status', async () => {
    const { ticket, statusToken } = await pendingApproval();
    const flipped = `${statusToken.slice(0, -1)}${statusToken.endsWith('A') ? 'B' : 'A'}`;
    for (const bad of [
      ticket,
      ticket.split('.')[1]!,
      flipped,
      statusToken.slice(0, 42),
      `${statusToken}A`,
    ]) {
      expectProblem(await statusWith(ticket, bad), 401, 'unauthorized');
    }
    expectProblem(
      await call('GET', `/v1/actions/${ticket}/status`, undefined, { auth: false }),
      401,
      'unauthorized',
    );
    expectProblem(
      await call('GET', `/v1/actions/${ticket}/status`, undefined, {
        auth: false,
        headers: { authorization: `Basic ${statusToken}` },
      }),
      401,
      'unauthorized',
    );
  });
});

describe('reference', () => {
  it('is 1 to 128 well-formed characters', async () => {
    const { userId } = await pendingApproval();
    const post = (reference: unknown) =>
      call('POST', '/v1/actions', { user: { id: userId }, action: WIRE, reference });
    expect((await post('r'.repeat(128))).status).toBe(201);
    for (const bad of ['', 'r'.repeat(129), 42, null, '\ud800'])
      expectProblem(await post(bad), 400, 'invalid_request');
  });

  it('is absent from status when none was given', async () => {
    const { ticket } = await pendingApproval();
    expect((await call('GET', `/v1/actions/${ticket}/status`)).body).toEqual({ state: 'pending' });
  });
});
