/** Failed attempts: four leave the ticket pending, the fifth burns it, a 400 never counts. */
import { describe, expect, it } from 'vitest';
import { SoftAuthenticator } from '../support/soft-authenticator';
import type { AssertionBend } from '../support/soft-authenticator/types';
import {
  ORIGIN,
  actionState,
  assertion,
  call,
  details,
  enroll,
  enrollmentOptions,
  enrollmentTicket,
  expectProblem,
  newUserId,
  pendingApproval,
  postEnrollment,
  ticketRow,
  verify,
} from './harness';

/** Five different failed checks, so no single code path is the only one that counts. */
const FAILURES: [AssertionBend, string][] = [
  [{ signature: 'flip' }, 'signature_invalid'],
  [{ origin: 'https://evil.example' }, 'origin_mismatch'],
  [{ flags: { uv: false } }, 'user_verification_required'],
  [{ type: 'webauthn.create' }, 'challenge_mismatch'],
  [{ rpId: 'evil.example' }, 'rp_id_mismatch'],
];

describe('failed attempts on an action ticket', () => {
  it('four failed 422s leave it pending; a valid assertion then approves', async () => {
    const { ticket, auth, userId } = await pendingApproval();
    for (const [bend, code] of FAILURES.slice(0, 4))
      expectProblem(await verify(ticket, await assertion(ticket, auth, bend)), 422, code);
    expect((await ticketRow(userId, ticket)).failures).toBe(4);
    expect((await actionState(ticket)).state).toBe('pending');
    expect((await verify(ticket, await assertion(ticket, auth))).status).toBe(200);
    expect((await actionState(ticket)).state).toBe('approved');
  });

  it('the fifth failed 422 answers its own code and burns the ticket: every later post is 429', async () => {
    const { ticket, auth } = await pendingApproval();
    const valid = await assertion(ticket, auth);
    for (const [bend, code] of FAILURES)
      expectProblem(await verify(ticket, await assertion(ticket, auth, bend)), 422, code);
    expect(await actionState(ticket)).toEqual({ state: 'burned' });
    expectProblem(await verify(ticket, valid), 429, 'rate_limited');
    expectProblem(await verify(ticket, valid), 429, 'rate_limited');
    // Even bad and malformed-inside posts get 429 now (the ticket state is checked first).
    expectProblem(
      await verify(ticket, { ...valid, response: { ...valid.response, clientDataJSON: 'bm9wZQ' } }),
      429,
      'rate_limited',
    );
    expectProblem(await details(ticket), 429, 'rate_limited');
    expect(await actionState(ticket)).toEqual({ state: 'burned' });
  });

  it('a burned ticket stays burned after the valid assertion (it is not consumed)', async () => {
    const { ticket, auth, userId } = await pendingApproval();
    for (const [bend] of FAILURES) await verify(ticket, await assertion(ticket, auth, bend));
    const row = await ticketRow(userId, ticket);
    expect(row).toMatchObject({ state: 'burned', failures: 5 });
    // A sixth failure is not counted past the burn.
    await verify(ticket, await assertion(ticket, auth, { signature: 'flip' }).catch(() => ({})));
    expect((await ticketRow(userId, ticket)).failures).toBe(5);
  });

  it('400s do not count: ten malformed posts, then a valid one approves', async () => {
    const { ticket, auth, userId } = await pendingApproval();
    const valid = await assertion(ticket, auth);
    const malformed: unknown[] = [
      {},
      { ...valid, response: undefined },
      { ...valid, type: 'nope' },
      { ...valid, response: { ...valid.response, signature: '' } },
      { ...valid, response: { ...valid.response, signature: 'a+b/' } },
      { ...valid, response: { ...valid.response, clientDataJSON: 'bm90IGpzb24' } }, // "not json", decoded in the vault
      { ...valid, response: { ...valid.response, clientDataJSON: 'WzFd' } }, // "[1]"
      { ...valid, response: { ...valid.response, authenticatorData: 'AAAA' } }, // too short, parsed in the vault
      { ...valid, response: { ...valid.response, authenticatorData: 'A'.repeat(60) } },
      [valid],
    ];
    expect(malformed).toHaveLength(10);
    for (const body of malformed) expectProblem(await verify(ticket, body), 400, 'invalid_request');
    expectProblem(
      await call('POST', `/v1/actions/${ticket}/verify`, undefined, { auth: false, raw: '{"id":' }),
      400,
      'invalid_request',
    );
    expect((await ticketRow(userId, ticket)).failures).toBe(0);
    expect((await verify(ticket, valid)).status).toBe(200);
  });

  it('ten concurrent bad assertions burn the ticket; a valid one after gets 429', async () => {
    const { ticket, auth, userId } = await pendingApproval();
    const bad = await Promise.all(
      Array.from({ length: 10 }, () => assertion(ticket, auth, { signature: 'flip' })),
    );
    const valid = await assertion(ticket, auth);
    const replies = await Promise.all(bad.map((b) => verify(ticket, b)));
    for (const r of replies) {
      if (r.status === 429) expectProblem(r, 429, 'rate_limited');
      else expectProblem(r, 422, 'signature_invalid');
    }
    expect(replies.filter((r) => r.status === 422).length).toBeGreaterThanOrEqual(5);
    expect(await ticketRow(userId, ticket)).toMatchObject({ state: 'burned', failures: 5 });
    expect(await actionState(ticket)).toEqual({ state: 'burned' });
    expectProblem(await verify(ticket, valid), 429, 'rate_limited');
  });

  it('valid and bad posts racing: the ticket ends approved or burned, never both, and one 200 at most', async () => {
    const { ticket, auth } = await pendingApproval();
    const bad = await Promise.all(
      Array.from({ length: 8 }, () => assertion(ticket, auth, { signature: 'flip' })),
    );
    const valid = await assertion(ticket, auth);
    const replies = await Promise.all(
      [...bad.slice(0, 4), valid, ...bad.slice(4)].map((b) => verify(ticket, b)),
    );
    const ok = replies.filter((r) => r.status === 200);
    expect(ok.length).toBeLessThanOrEqual(1);
    for (const r of replies) expect([200, 409, 422, 429]).toContain(r.status);
    const state = await actionState(ticket);
    if (ok.length === 1) expect(state).toEqual({ state: 'approved', receipt: ok[0]!.body.receipt });
    else expect(state.state).toBe('burned');
  });
});

describe('failed attempts on an enrollment ticket', () => {
  it('five failed registrations burn it; a good one after gets 429', async () => {
    const userId = newUserId('enb');
    const ticket = await enrollmentTicket(userId);
    const auth = await SoftAuthenticator.create();
    const options = await enrollmentOptions(ticket);
    const bends = [
      { origin: 'https://evil.example' },
      { flags: { uv: false } },
      { trailingBytes: new Uint8Array([1]) },
      { rpId: 'x.example' },
      { type: 'webauthn.get' },
    ];
    for (const bend of bends)
      expect(
        (await postEnrollment(ticket, await auth.register(options, { origin: ORIGIN, bend })))
          .status,
      ).toBe(422);
    expectProblem(
      await postEnrollment(ticket, await auth.register(options, { origin: ORIGIN })),
      429,
      'rate_limited',
    );
    expectProblem(
      await call('GET', `/v1/enrollments/${ticket}`, undefined, { auth: false }),
      429,
      'rate_limited',
    );
    expect((await ticketRow(userId, ticket)).state).toBe('burned');
    // The user can still be enrolled with a new ticket.
    expect((await enroll(userId)).reply.status).toBe(201);
  });
});
