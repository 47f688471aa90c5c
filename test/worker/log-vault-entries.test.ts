/**
 * The vault's log (worker/vault/storage/vault-log.ts): every state change SPEC's
 * "The log" names is an entry with the right members, written in the same
 * transaction as the change; a failure between the append and the ticket's
 * consumption leaves neither, so the log and the state always agree.
 */
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { ticketHash } from '../../worker/http/ticket';
import { sha256B64url } from '../../packages/psea/src/internal/sha256-b64url';
import type { LogEntry } from '../../packages/psea/src/log/log-entry';
import { UserVault } from '../../worker/vault/user-vault';
import type { VaultLog } from '../../worker/vault/storage/vault-log';
import { SoftAuthenticator } from '../support/soft-authenticator';
import {
  assertion,
  call,
  credentialsOf,
  enroll,
  enrollAnother,
  enrollmentOptions,
  enrollmentTicket,
  expectProblem,
  newUserId,
  nextMillisecond,
  ORIGIN,
  register,
  requestAction,
  ticketRow,
  vaultRows,
  verify,
} from './harness';
import { vaultState } from '../../worker/vault/state-seam';

const stubOf = (userId: string) => env.VAULT.get(env.VAULT.idFromName(userId));

async function logOf(userId: string): Promise<LogEntry[]> {
  const rows = await vaultRows<{ entry: string }>(
    userId,
    'SELECT entry FROM log_entries ORDER BY idx',
  );
  return rows.map((r) => JSON.parse(r.entry) as LogEntry);
}

const keyOf = (auth: SoftAuthenticator) => sha256B64url(auth.publicKeyCose);
const seconds = expect.any(Number);

describe('enrolled entries', () => {
  it('a first enrollment: approvedBy "first", key the hash of the COSE key, written with the credential', async () => {
    const userId = newUserId('log-first');
    const { auth } = await enroll(userId);
    const [aaguid] = (await credentialsOf(userId)).map((c) => c.aaguid);
    expect(await logOf(userId)).toEqual([
      {
        v: 1,
        kind: 'enrolled',
        at: seconds,
        sub: userId,
        cred: auth.credentialId,
        key: await keyOf(auth),
        aaguid,
        attested: false,
        approvedBy: 'first',
      },
    ]);
    const [row] = await vaultRows<{ enrolled_index: number; enrollment: string }>(
      userId,
      'SELECT enrolled_index, enrollment FROM credentials',
    );
    expect(row!.enrolled_index).toBe(0);
    expect(Object.keys(JSON.parse(row!.enrollment)).sort()).toEqual([
      'attestationObject',
      'authenticatorData',
      'clientDataJSON',
    ]);
  });

  it('a held passkey: no entry while held; approvedBy the approving credential, with the approval it signed, once approved', async () => {
    const userId = newUserId('log-held');
    const { auth: first } = await enroll(userId);
    const { auth: held, ticket, reply } = await register(userId);
    expect(reply.status).toBe(202);
    expect((await logOf(userId)).map((e) => e.kind)).toEqual(['enrolled']);
    const approve = await call(
      'POST',
      `/v1/enrollments/${ticket}/approve`,
      await first.assert(reply.body.approval.options, { origin: ORIGIN }),
      { auth: false },
    );
    expect(approve.status).toBe(201);
    const log = await logOf(userId);
    // v3: the challenge of the psea.credential.add statement the approver signed (docs/evidence.md "Chain of custody").
    const approval = { challenge: reply.body.approval.options.challenge };
    expect(log[1]).toEqual({
      v: 1,
      kind: 'enrolled',
      at: seconds,
      sub: userId,
      cred: held.credentialId,
      key: await keyOf(held),
      aaguid: expect.any(String),
      attested: false,
      approvedBy: first.credentialId,
      approval,
    });
    expect(log).toHaveLength(2);
  });

  it('recovery and the open policy: approvedBy "recovery" and "open"', async () => {
    const userId = newUserId('log-recovery');
    await enroll(userId);
    const { auth: recovered, reply } = await register(userId, {}, undefined, { recovery: true });
    expect(reply.status).toBe(201);
    const open = JSON.stringify({
      enrollment: { addCredential: 'open' },
      rules: [{ id: 'default' }],
    });
    const auth = await SoftAuthenticator.create();
    const ticket = await enrollmentTicket(userId);
    const response = await auth.register(await enrollmentOptions(ticket), { origin: ORIGIN });
    const hash = await ticketHash(ticket);
    const outcome = await runInDurableObject(stubOf(userId), (_v, state) =>
      new UserVault(state, { ...env, POLICY: open }).enroll(hash, response, Date.now()),
    );
    expect(outcome.ok).toBe(true);
    const log = await logOf(userId);
    expect(
      log.map((e) => [
        e.kind,
        'approvedBy' in e ? e.approvedBy : null,
        'cred' in e ? e.cred : null,
      ]),
    ).toEqual([
      ['enrolled', 'first', expect.any(String)],
      ['enrolled', 'recovery', recovered.credentialId],
      ['enrolled', 'open', auth.credentialId],
    ]);
  });
});

describe('approved, failed, burned, revoked and locked entries', () => {
  it('approved: cred, the ticket challenge, act, aud and the receipt jti', async () => {
    const userId = newUserId('log-approved');
    const { auth } = await enroll(userId);
    const { ticket, actionHash } = await requestAction(userId);
    const details = await call('GET', `/v1/actions/${ticket}`, undefined, { auth: false });
    const ok = await verify(ticket, await auth.assert(details.body.options, { origin: ORIGIN }));
    expect(ok.status).toBe(200);
    const claims = decodeJwt(ok.body.receipt);
    expect((await logOf(userId))[1]).toEqual({
      v: 1,
      kind: 'approved',
      at: claims.iat,
      sub: userId,
      cred: auth.credentialId,
      challenge: details.body.options.challenge,
      act: actionHash,
      aud: 'payments-api',
      jti: claims.jti,
    });
  });

  it("failed on a ticket's first failure only, with its code; burned on the fifth", async () => {
    const userId = newUserId('log-failed');
    const { auth } = await enroll(userId);
    const { ticket } = await requestAction(userId);
    const details = await call('GET', `/v1/actions/${ticket}`, undefined, { auth: false });
    const challenge = details.body.options.challenge;
    expectProblem(
      await verify(ticket, await assertion(ticket, auth, { flags: { uv: false } })),
      422,
      'user_verification_required',
    );
    expect((await logOf(userId)).slice(1)).toEqual([
      {
        v: 1,
        kind: 'failed',
        at: seconds,
        sub: userId,
        challenge,
        code: 'user_verification_required',
      },
    ]);
    for (let i = 0; i < 4; i++)
      expectProblem(
        await verify(ticket, await assertion(ticket, auth, { flags: { up: false } })),
        422,
        'user_presence_required',
      );
    expect((await ticketRow(userId, ticket)).state).toBe('burned');
    expect((await logOf(userId)).slice(1).map((e) => e.kind)).toEqual(['failed', 'burned']);
    expect((await logOf(userId))[2]).toEqual({
      v: 1,
      kind: 'burned',
      at: seconds,
      sub: userId,
      challenge,
    });
    // A post to a burned ticket counts nothing and logs nothing.
    expectProblem(
      await verify(ticket, await auth.assert(details.body.options, { origin: ORIGIN })),
      429,
      'rate_limited',
    );
    expect(await logOf(userId)).toHaveLength(3);
  });

  it("revoked: an active credential's revocation, once", async () => {
    const userId = newUserId('log-revoked');
    const { auth } = await enroll(userId);
    const path = `/v1/users/${userId}/credentials/${auth.credentialId}`;
    expect((await call('DELETE', path)).status).toBe(204);
    expect((await call('DELETE', path)).status).toBe(204);
    expect((await logOf(userId)).slice(1)).toEqual([
      { v: 1, kind: 'revoked', at: seconds, sub: userId, cred: auth.credentialId },
    ]);
  });

  it("locked: the counter rule's lock, then the failure it counts", async () => {
    const userId = newUserId('log-locked');
    const { auth } = await enroll(userId, { initialCounter: 10 });
    await nextMillisecond();
    const { ticket } = await requestAction(userId);
    expectProblem(
      await verify(ticket, await assertion(ticket, auth, { counter: 5 })),
      422,
      'counter_regression',
    );
    expect((await credentialsOf(userId))[0].state).toBe('locked');
    expect(
      (await logOf(userId))
        .slice(1)
        .map((e) => [e.kind, 'cred' in e ? e.cred : (e as { code: string }).code]),
    ).toEqual([
      ['locked', auth.credentialId],
      ['failed', 'counter_regression'],
    ]);
  });
});

describe('one transaction: the log and the state agree', () => {
  it('a failure right after the approved entry is appended leaves neither it nor the consumption', async () => {
    const userId = newUserId('log-atomic');
    const { auth } = await enroll(userId);
    const { ticket } = await requestAction(userId);
    const response = await assertion(ticket, auth);
    const stub = stubOf(userId);
    // A test-only fault: the real append runs, then the storage "fails" before the commit ends.
    const restore = await runInDurableObject(stub, (vault: UserVault) => {
      const log = vaultState(vault).log;
      const append = log.append.bind(log);
      log.append = (entry) => {
        append(entry);
        throw new Error('injected failure after the append');
      };
      return () => (log.append = append);
    });
    expect((await verify(ticket, response)).status).toBe(500);

    expect(await ticketRow(userId, ticket)).toMatchObject({ state: 'pending', failures: 0 });
    expect((await logOf(userId)).map((e) => e.kind)).toEqual(['enrolled']);
    expect(await vaultRows(userId, 'SELECT idx FROM log_nodes WHERE idx > 0 OR level > 0')).toEqual(
      [],
    );
    expect(await vaultRows(userId, 'SELECT hash FROM evidence')).toEqual([]);
    expect(await vaultRows(userId, 'SELECT counter, last_used_at FROM credentials')).toEqual([
      { counter: 0, last_used_at: null },
    ]);

    await runInDurableObject(stub, () => restore());
    const ok = await verify(ticket, response);
    expect(ok.status).toBe(200);
    expect((await logOf(userId)).map((e) => e.kind)).toEqual(['enrolled', 'approved']);
    expect((await vaultRows(userId, 'SELECT approved_index FROM evidence'))[0]).toEqual({
      approved_index: 1,
    });
  });

  it('a failure in the append itself refuses the approval: an approval that cannot be logged is not granted', async () => {
    const userId = newUserId('log-atomic2');
    const { auth } = await enroll(userId);
    const { ticket } = await requestAction(userId);
    await runInDurableObject(stubOf(userId), (vault: UserVault) => {
      vaultState(vault).log.append = () => {
        throw new Error('the log is full');
      };
    });
    expect((await verify(ticket, await assertion(ticket, auth))).status).toBe(500);
    expect(await ticketRow(userId, ticket)).toMatchObject({ state: 'pending' });
    expect((await call('GET', `/v1/actions/${ticket}/status`)).body).toEqual({ state: 'pending' });
  });
});
