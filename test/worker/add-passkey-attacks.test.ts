/**
 * SPEC v2 "Adding a passkey needs an existing passkey", as the attacker sees
 * it: a thief holding a valid session of the host app reaches its "add a
 * passkey" page, so the RP hands out an enrollment ticket for the victim.
 * On v1 that ticket enrolled the thief's authenticator outright, and it then
 * approved a 9,999.00 transfer. Every test here is one way the thief tries.
 */
import { describe, expect, it } from 'vitest';
import { SoftAuthenticator } from '../support/soft-authenticator';
import { ticketHash } from '../../worker/http/ticket';
import {
  hashAction,
  hashDisplay,
  statementChallenge,
} from '../../packages/psea/src/receipt/index.ts';
import { sha256B64url } from '../../packages/psea/src/internal/sha256-b64url.ts';
import {
  ORIGIN,
  approveEnrollment,
  assertion,
  call,
  credentialsOf,
  details,
  enroll,
  expectProblem,
  newUserId,
  register,
  requestAction,
  ticketRow,
  vaultRows,
  verify,
} from './harness';

const TRANSFER = {
  type: 'wire.transfer',
  amount: '9999.00',
  currency: 'EUR',
  to: 'LT60 1010 0123 4567 8901',
};

/** The victim with passkey A, and the thief's authenticator B registered on a ticket the RP handed out. */
async function thiefRegisters() {
  const userId = newUserId('victim');
  const { auth: victim } = await enroll(userId);
  const { auth: thief, ticket, reply } = await register(userId);
  return { userId, victim, thief, ticket, reply };
}

describe('a session thief adds a passkey', () => {
  it('is held: 202 with the approval an existing passkey must sign, stored pending', async () => {
    const { userId, victim, thief, ticket, reply } = await thiefRegisters();
    expect(reply.status).toBe(202);
    const aaguid = '00000000-0000-0000-0000-000000000000';
    expect(reply.body.pending).toEqual({
      credentialId: thief.credentialId,
      aaguid,
      deviceBound: true,
    });

    // The approval names this very credential and key, for the service's own audience.
    const { statement, display, options, action } = reply.body.approval;
    expect(action).toEqual({
      type: 'psea.credential.add',
      user: userId,
      cred: thief.credentialId,
      key: await sha256B64url(thief.publicKeyCose),
      aaguid,
    });
    expect(statement).toEqual({
      v: 1,
      iss: ORIGIN,
      aud: 'psea',
      sub: userId,
      act: await hashAction(action),
      dsp: await hashDisplay(display),
      nonce: expect.stringMatching(/^[\w-]{22,}$/),
    });
    expect(options.challenge).toBe(await statementChallenge(statement));
    expect(options).toMatchObject({ rpId: 'localhost', userVerification: 'required' });
    expect(options.allowCredentials.map((c: { id: string }) => c.id)).toEqual([
      victim.credentialId,
    ]);
    // What the person is shown: which authenticator, whether device-bound, when it was made.
    expect(display.title).toBe('Add a passkey to your account');
    expect(display.fields).toEqual([
      { label: 'Passkey', value: 'an unrecognized passkey' },
      { label: 'Device-bound', value: expect.stringMatching(/^Yes/) },
      { label: 'Created', value: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) },
    ]);

    const [row] = await vaultRows<{
      state: string;
      pending_ticket: string;
      approved_by: string | null;
    }>(
      userId,
      'SELECT state, pending_ticket, approved_by FROM credentials WHERE id = ?',
      thief.credentialId,
    );
    expect(row).toEqual({
      state: 'pending',
      pending_ticket: await ticketHash(ticket),
      approved_by: null,
    });
    const listed = await credentialsOf(userId);
    expect(listed.map((c) => [c.id, c.state, c.approvedBy])).toEqual([
      [victim.credentialId, 'active', 'first'],
      [thief.credentialId, 'pending', null],
    ]);
  });

  it('cannot approve the 9,999.00 transfer: not offered, and 422 credential_unknown when it tries', async () => {
    const { userId, victim, thief } = await thiefRegisters();
    const { ticket } = await requestAction(userId, { action: TRANSFER });
    const d = await details(ticket);
    expect(d.body.options.allowCredentials.map((c: { id: string }) => c.id)).toEqual([
      victim.credentialId,
    ]);
    const forged = await thief.assert(d.body.options, {
      origin: ORIGIN,
      bend: { skipAuthenticatorChecks: true },
    });
    expectProblem(await verify(ticket, forged), 422, 'credential_unknown');
    expect((await ticketRow(userId, ticket)).failures).toBe(1);
  });

  it('cannot approve its own hold: a held credential is unknown, and the attempt counts', async () => {
    const { userId, thief, ticket, reply } = await thiefRegisters();
    const own = await thief.assert(reply.body.approval.options, {
      origin: ORIGIN,
      bend: { skipAuthenticatorChecks: true },
    });
    expectProblem(await approveEnrollment(ticket, own), 422, 'credential_unknown');
    expect((await ticketRow(userId, ticket)).failures).toBe(1);
    expect((await credentialsOf(userId)).find((c) => c.id === thief.credentialId).state).toBe(
      'pending',
    );
  });

  it('becomes active only when the existing passkey approves that very key, and can approve from then on', async () => {
    const { userId, victim, thief, ticket, reply } = await thiefRegisters();
    const approved = await approveEnrollment(
      ticket,
      await victim.assert(reply.body.approval.options, { origin: ORIGIN }),
    );
    expect(approved.status).toBe(201);
    expect(approved.body).toEqual({
      credentialId: thief.credentialId,
      aaguid: '00000000-0000-0000-0000-000000000000',
      deviceBound: true,
      backedUp: false,
    });
    const listed = await credentialsOf(userId);
    expect(listed.find((c) => c.id === thief.credentialId)).toMatchObject({
      state: 'active',
      approvedBy: victim.credentialId,
    });
    // The approver's counter advanced with the same commit.
    const [approver] = await vaultRows<{ counter: number }>(
      userId,
      'SELECT counter FROM credentials WHERE id = ?',
      victim.credentialId,
    );
    expect(approver?.counter).toBe(victim.counter);
    expect((await ticketRow(userId, ticket)).state).toBe('consumed');

    const { ticket: transfer } = await requestAction(userId, { action: TRANSFER });
    const ok = await verify(transfer, await assertion(transfer, thief));
    expect(ok.status).toBe(200);
  });

  it('who first revokes every passkey is still held, and nobody can let the new one in', async () => {
    const userId = newUserId('victim');
    const { auth: victim } = await enroll(userId);
    expect(
      (await call('DELETE', `/v1/users/${userId}/credentials/${victim.credentialId}`)).status,
    ).toBe(204);
    // Revoking everything does not make the next enrollment a first one.
    const { auth: thief, ticket, reply } = await register(userId);
    expect(reply.status).toBe(202);
    expect(reply.body.approval.options.allowCredentials).toEqual([]);
    const revoked = await victim.assert(reply.body.approval.options, {
      origin: ORIGIN,
      bend: { skipAuthenticatorChecks: true },
    });
    expectProblem(await approveEnrollment(ticket, revoked), 422, 'credential_revoked');
    const own = await thief.assert(reply.body.approval.options, { origin: ORIGIN });
    expectProblem(await approveEnrollment(ticket, own), 422, 'credential_unknown');
    expect((await credentialsOf(userId)).map((c) => c.state)).toEqual(['revoked', 'pending']);
    expectProblem(
      await call('POST', '/v1/actions', { user: { id: userId }, action: TRANSFER }),
      409,
      'not_enrolled',
    );
  });

  it('cannot have a passkey of another user approve: 422 credential_unknown', async () => {
    const { userId, ticket, reply } = await thiefRegisters();
    // The thief's own account, with a passkey of its own.
    const { auth: mine } = await enroll(newUserId('thief'));
    const opts = reply.body.approval.options;
    const theirs = await mine.assert(opts, {
      origin: ORIGIN,
      bend: { skipAuthenticatorChecks: true },
    });
    expectProblem(await approveEnrollment(ticket, theirs), 422, 'credential_unknown');
    // Nor by claiming the victim's credential id with the thief's key and user handle.
    const claimed = await mine.assert(opts, {
      origin: ORIGIN,
      bend: { credentialId: (await credentialsOf(userId))[0].id },
    });
    expectProblem(await approveEnrollment(ticket, claimed), 422, 'credential_unknown');
    expect((await ticketRow(userId, ticket)).failures).toBe(2);
  });

  it('cannot reuse an assertion the victim made for something else: 422 challenge_mismatch, counted', async () => {
    const { userId, victim, ticket, reply } = await thiefRegisters();
    // The victim approves an ordinary action; the thief replays that assertion on the hold.
    const action = await requestAction(userId);
    const elsewhere = await assertion(action.ticket, victim);
    expectProblem(await approveEnrollment(ticket, elsewhere), 422, 'challenge_mismatch');
    // Or an approval of another hold, for another passkey.
    const other = await register(userId);
    const forOther = await victim.assert(other.reply.body.approval.options, { origin: ORIGIN });
    expectProblem(await approveEnrollment(ticket, forOther), 422, 'challenge_mismatch');
    expect((await ticketRow(userId, ticket)).failures).toBe(2);
    expect((await credentialsOf(userId)).filter((c) => c.state === 'pending')).toHaveLength(2);
    // The hold still waits for its own approval.
    expect(
      (
        await approveEnrollment(
          ticket,
          await victim.assert(reply.body.approval.options, { origin: ORIGIN }),
        )
      ).status,
    ).toBe(201);
  });

  it('burns the ticket in five failed approvals, and the held credential is dropped', async () => {
    const { userId, victim, thief, ticket, reply } = await thiefRegisters();
    const opts = reply.body.approval.options;
    for (let i = 1; i <= 5; i++) {
      expectProblem(
        await approveEnrollment(
          ticket,
          await victim.assert(opts, { origin: ORIGIN, bend: { signature: 'flip' } }),
        ),
        422,
        'signature_invalid',
      );
    }
    expect((await ticketRow(userId, ticket)).state).toBe('burned');
    expect(
      await vaultRows(userId, 'SELECT id FROM credentials WHERE id = ?', thief.credentialId),
    ).toEqual([]);
    expect((await credentialsOf(userId)).map((c) => c.id)).toEqual([victim.credentialId]);
    // From then on, even the right passkey gets 429.
    expectProblem(
      await approveEnrollment(ticket, await victim.assert(opts, { origin: ORIGIN })),
      429,
      'rate_limited',
    );
  });

  it('cannot count on an approver revoked after the 202: it is judged at approval, 422 credential_revoked', async () => {
    const { userId, victim, ticket, reply } = await thiefRegisters();
    const approval = await victim.assert(reply.body.approval.options, { origin: ORIGIN });
    expect(
      (await call('DELETE', `/v1/users/${userId}/credentials/${victim.credentialId}`)).status,
    ).toBe(204);
    expectProblem(await approveEnrollment(ticket, approval), 422, 'credential_revoked');
    expect((await credentialsOf(userId)).map((c) => c.state)).toEqual(['revoked', 'pending']);
  });

  it('cannot slip a second registration onto a ticket that holds one: 409 ticket_used, not counted', async () => {
    const { userId, ticket } = await thiefRegisters();
    const another = await SoftAuthenticator.create();
    const creation = (await call('GET', `/v1/enrollments/${ticket}`, undefined, { auth: false }))
      .body.options;
    const reg = await another.register(creation, { origin: ORIGIN });
    expectProblem(
      await call('POST', `/v1/enrollments/${ticket}`, reg, { auth: false }),
      409,
      'ticket_used',
    );
    // Even a malformed one: the ticket answers before the body.
    expectProblem(
      await call('POST', `/v1/enrollments/${ticket}`, { id: 1 }, { auth: false }),
      409,
      'ticket_used',
    );
    expect((await ticketRow(userId, ticket)).failures).toBe(0);
    expect(
      await vaultRows(userId, 'SELECT id FROM credentials WHERE id = ?', another.credentialId),
    ).toEqual([]);
  });
});
