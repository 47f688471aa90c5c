/**
 * `POST /v1/enrollments/:ticket/approve` (SPEC v2 "Adding a passkey needs an
 * existing passkey"): exactly-once, retry-safe, a browser route like verify,
 * and a hold that lives no longer than its ticket.
 */
import { describe, expect, it } from 'vitest';
import { env, runInDurableObject } from 'cloudflare:test';
import { openTicket, ticketHash } from '../../worker/http/ticket';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { UserVault } from '../../worker/vault/user-vault';
import {
  ORIGIN,
  OTHER_ALLOWED_ORIGIN,
  approveEnrollment,
  call,
  credentialsOf,
  enroll,
  enrollmentOptions,
  enrollmentTicket,
  expectProblem,
  newUserId,
  register,
  ticketRow,
  vaultRows,
} from './harness';

/** A user with passkey A, and a second authenticator held on `ticket`. */
async function held() {
  const userId = newUserId('held');
  const { auth: existing } = await enroll(userId);
  const { auth: added, ticket, reply } = await register(userId);
  expect(reply.status).toBe(202);
  return { userId, existing, added, ticket, approval: reply.body.approval };
}

const PARALLEL = 8;

describe('exactly once', () => {
  it(`${PARALLEL} parallel approvals with distinct assertions: one 201, the rest 409 ticket_used`, async () => {
    const { userId, existing, added, ticket, approval } = await held();
    const assertions: AuthenticationResponseJSON[] = [];
    for (let i = 0; i < PARALLEL; i++)
      assertions.push(await existing.assert(approval.options, { origin: ORIGIN }));
    const replies = await Promise.all(
      assertions.map((a) =>
        call('POST', `/v1/enrollments/${ticket}/approve`, a, { auth: false, via: 'self' }),
      ),
    );
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of replies) if (r.status !== 201) expectProblem(r, 409, 'ticket_used');
    expect((await credentialsOf(userId)).map((c) => [c.id, c.state])).toEqual([
      [existing.credentialId, 'active'],
      [added.credentialId, 'active'],
    ]);
  });

  it('inside the vault, approvals interleaved at every await: one commits, the rest see ticket_used', async () => {
    const { userId, existing, ticket, approval } = await held();
    const assertions: AuthenticationResponseJSON[] = [];
    for (let i = 0; i < 6; i++)
      assertions.push(await existing.assert(approval.options, { origin: ORIGIN }));
    const { vault, hash } = await openTicket(env, ticket);
    const now = Date.now();
    const outcomes = await runInDurableObject(vault, (instance: UserVault) =>
      Promise.all(assertions.map((a, i) => instance.approveEnrollment(hash, a, now, `body-${i}`))),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    for (const o of outcomes) if (!o.ok) expect(o.problem).toEqual({ code: 'ticket_used' });
    expect((await credentialsOf(userId)).every((c) => c.state === 'active')).toBe(true);
    expect((await ticketRow(userId, ticket)).failures).toBe(0);
  });
});

describe('retry safety (SPEC "Service hygiene")', () => {
  it('the byte-identical accepted body posted again: 409 ticket_used carrying the enrollment body', async () => {
    const { existing, added, ticket, approval } = await held();
    const raw = JSON.stringify(await existing.assert(approval.options, { origin: ORIGIN }));
    const first = await call('POST', `/v1/enrollments/${ticket}/approve`, undefined, {
      auth: false,
      raw,
    });
    expect(first.status).toBe(201);
    const again = await call('POST', `/v1/enrollments/${ticket}/approve`, undefined, {
      auth: false,
      raw,
    });
    expectProblem(again, 409, 'ticket_used');
    expect(again.body).toMatchObject({ ...first.body, status: 409, code: 'ticket_used' });
    expect(again.body.credentialId).toBe(added.credentialId);

    // Any other body, even the same JSON spelled differently, gets no answer of the first.
    const respaced = await call('POST', `/v1/enrollments/${ticket}/approve`, undefined, {
      auth: false,
      raw: `${raw} `,
    });
    expectProblem(respaced, 409, 'ticket_used');
    expect(respaced.body.credentialId).toBeUndefined();
    const other = await call(
      'POST',
      `/v1/enrollments/${ticket}/approve`,
      await existing.assert(approval.options, { origin: ORIGIN }),
      { auth: false },
    );
    expectProblem(other, 409, 'ticket_used');
    expect(other.body.credentialId).toBeUndefined();
  });

  it('the body as text/plain, as the widget sends it, is the same body', async () => {
    const { existing, ticket, approval } = await held();
    const raw = JSON.stringify(await existing.assert(approval.options, { origin: ORIGIN }));
    const headers = { 'content-type': 'text/plain;charset=UTF-8' };
    expect(
      (
        await call('POST', `/v1/enrollments/${ticket}/approve`, undefined, {
          auth: false,
          raw,
          headers,
        })
      ).status,
    ).toBe(201);
    expect(
      (await call('POST', `/v1/enrollments/${ticket}/approve`, undefined, { auth: false, raw }))
        .body.credentialId,
    ).toBeDefined();
  });
});

describe('the ticket answers first', () => {
  it('a burned ticket gets 429 for any body; a ticket that holds nothing has nothing to approve (404)', async () => {
    const { userId, existing, ticket, approval } = await held();
    for (let i = 0; i < 5; i++)
      await approveEnrollment(
        ticket,
        await existing.assert(approval.options, { origin: ORIGIN, bend: { flags: { uv: false } } }),
      );
    expectProblem(await approveEnrollment(ticket, { junk: true }), 429, 'rate_limited');

    const fresh = await enrollmentTicket(userId);
    expectProblem(
      await approveEnrollment(fresh, await existing.assert(approval.options, { origin: ORIGIN })),
      404,
      'ticket_not_found',
    );
    expectProblem(await approveEnrollment(fresh, { junk: true }), 404, 'ticket_not_found');
    // A first enrollment's ticket is consumed by its 201: nothing is left to approve.
    const first = await enroll(newUserId('first'));
    expectProblem(await approveEnrollment(first.ticket, { junk: true }), 409, 'ticket_used');
  });

  it('a malformed approval on a holding ticket is 400 and not counted', async () => {
    const { userId, ticket } = await held();
    expectProblem(await approveEnrollment(ticket, { id: 'x' }), 400, 'invalid_request');
    expect((await ticketRow(userId, ticket)).failures).toBe(0);
  });
});

describe('a browser route', () => {
  it('answers allowed origins with CORS, preflight included, and others without', async () => {
    const { ticket } = await held();
    const path = `/v1/enrollments/${ticket}/approve`;
    const pre = await call('OPTIONS', path, undefined, {
      auth: false,
      headers: { origin: OTHER_ALLOWED_ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(OTHER_ALLOWED_ORIGIN);
    const post = await call(
      'POST',
      path,
      { id: 'x' },
      { auth: false, headers: { origin: OTHER_ALLOWED_ORIGIN } },
    );
    expect(post.headers.get('access-control-allow-origin')).toBe(OTHER_ALLOWED_ORIGIN);
    const evil = await call(
      'POST',
      path,
      { id: 'x' },
      { auth: false, headers: { origin: 'https://evil.example' } },
    );
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    // The 413 of the body limit is readable cross-origin too.
    const big = await call('POST', path, undefined, {
      auth: false,
      raw: 'x'.repeat(70_000),
      headers: { origin: OTHER_ALLOWED_ORIGIN },
    });
    expectProblem(big, 413, 'payload_too_large');
    expect(big.headers.get('access-control-allow-origin')).toBe(OTHER_ALLOWED_ORIGIN);
  });
});

describe('what a holding ticket shows', () => {
  it('GET answers with the pending credential and its approval, so a reloaded page can finish', async () => {
    const { existing, added, ticket, approval } = await held();
    const again = await call('GET', `/v1/enrollments/${ticket}`, undefined, { auth: false });
    expect(again.status).toBe(200);
    expect(again.body.pending.credentialId).toBe(added.credentialId);
    expect(again.body.approval).toMatchObject({
      statement: approval.statement,
      display: approval.display,
      action: approval.action,
    });
    expect(again.body.approval.options.challenge).toBe(approval.options.challenge);
    expect(
      (
        await approveEnrollment(
          ticket,
          await existing.assert(again.body.approval.options, { origin: ORIGIN }),
        )
      ).status,
    ).toBe(201);
    expectProblem(
      await call('GET', `/v1/enrollments/${ticket}`, undefined, { auth: false }),
      409,
      'ticket_used',
    );
  });

  it('a live held credential is excluded from other enrollments, so the same authenticator is not held twice', async () => {
    const { userId, existing, added } = await held();
    const exclude = (
      await enrollmentOptions(await enrollmentTicket(userId))
    ).excludeCredentials.map((c: { id: string }) => c.id);
    expect(exclude).toEqual([existing.credentialId, added.credentialId]);
  });

  it('DELETE of a held credential revokes it: its ticket can no longer let it in', async () => {
    const { userId, existing, added, ticket, approval } = await held();
    expect(
      (await call('DELETE', `/v1/users/${userId}/credentials/${added.credentialId}`)).status,
    ).toBe(204);
    expectProblem(
      await approveEnrollment(ticket, await existing.assert(approval.options, { origin: ORIGIN })),
      409,
      'ticket_used',
    );
    expect((await credentialsOf(userId)).map((c) => c.state)).toEqual(['active', 'revoked']);
  });
});

describe('a hold lives as long as its ticket', () => {
  it('not approved before the ticket expires: nonexistent at once, dropped on the next write', async () => {
    const { userId, existing, added, ticket, approval } = await held();
    const { vault, hash } = await openTicket(env, ticket);
    const { expires_at: expiresAt } = await ticketRow(userId, ticket);
    const late = await existing.assert(approval.options, { origin: ORIGIN });

    const seen = await runInDurableObject(vault, async (instance: UserVault) => ({
      approve: await instance.approveEnrollment(hash, late, expiresAt, 'late'),
      listed: await instance.listCredentials(expiresAt),
      revoke: await instance.revokeCredential(added.credentialId, expiresAt),
    }));
    expect(seen.approve).toEqual({ ok: false, problem: { code: 'ticket_expired' } });
    expect(seen.listed.ok && seen.listed.value.map((c) => c.id)).toEqual([existing.credentialId]);
    // It does not exist, so it cannot be revoked either; and that write dropped the row.
    expect(seen.revoke).toMatchObject({ ok: false, problem: { code: 'not_found' } });
    expect(
      await vaultRows(userId, 'SELECT id FROM credentials WHERE id = ?', added.credentialId),
    ).toEqual([]);
  });

  it('a lapsed hold is not excluded, and the same authenticator can register again on a new ticket', async () => {
    const { userId, existing, added, ticket } = await held();
    const { vault } = await openTicket(env, ticket);
    const { expires_at: expiresAt } = await ticketRow(userId, ticket);
    const later = expiresAt + 1000;
    const next = `${ticket.split('.')[0]}.${'n'.repeat(43)}`;
    const nextHash = await ticketHash(next);
    const options = await runInDurableObject(vault, async (instance: UserVault) => {
      const user = { id: userId, name: `${userId}@example.com`, displayName: 'Test' };
      await instance.createEnrollment({
        hash: nextHash,
        user,
        iss: ORIGIN,
        recovery: false,
        ttlSeconds: 300,
        now: later,
      });
      return instance.enrollmentOptions(nextHash, later);
    });
    if (!options.ok) throw new Error(JSON.stringify(options.problem));
    expect(options.value.options.excludeCredentials?.map((c) => c.id)).toEqual([
      existing.credentialId,
    ]);
    // The create dropped the lapsed row: the credential id (still this user's) may be held anew.
    expect(
      await vaultRows(userId, 'SELECT id FROM credentials WHERE id = ?', added.credentialId),
    ).toEqual([]);
    const reg = await added.register(options.value.options, { origin: ORIGIN });
    const again = await runInDurableObject(vault, (instance: UserVault) =>
      instance.enroll(nextHash, reg, later),
    );
    expect(again.ok && 'pending' in again.value).toBe(true);
  });
});
