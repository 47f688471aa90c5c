/**
 * Who lets a passkey in (SPEC v2 "Adding a passkey needs an existing
 * passkey"): a first enrollment, the RP's recovery, the policy switch
 * `enrollment.addCredential`, or an approver that meets the policy. Also the
 * service's reserved audience and types, enrollment times, and the schema
 * migration that brings a v1 vault along.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { env, runInDurableObject } from 'cloudflare:test';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { ticketHash } from '../../worker/http/ticket';
import { parsePolicy } from '../../worker/policy/parse-policy';
import { MIGRATIONS, SCHEMA, migrate } from '../../worker/vault/storage/schema';
import { UserVault } from '../../worker/vault/user-vault';
import { SoftAuthenticator } from '../support/soft-authenticator';
import {
  ORIGIN,
  WIRE,
  approveEnrollment,
  assertion,
  call,
  credentialsOf,
  enroll,
  enrollmentOptions,
  enrollmentTicket,
  expectProblem,
  newUserId,
  register,
  requestAction,
  vaultRows,
  verify,
} from './harness';

afterEach(() => vi.restoreAllMocks());

/** Register `auth` on a new ticket through the vault's own enroll(), on an instance whose env has `policy`. */
async function registerUnder(policy: string, userId: string, auth: SoftAuthenticator) {
  const ticket = await enrollmentTicket(userId);
  const response = await auth.register(await enrollmentOptions(ticket), { origin: ORIGIN });
  const hash = await ticketHash(ticket);
  const stub = env.VAULT.get(env.VAULT.idFromName(userId));
  const outcome = await runInDurableObject(stub, (_vault, state) =>
    new UserVault(state, { ...env, POLICY: policy }).enroll(hash, response, Date.now()),
  );
  return { ticket, outcome };
}

const approvedBy = async (userId: string) => (await credentialsOf(userId)).map((c) => c.approvedBy);

describe('enrolled without an approval', () => {
  it('the first credential: approved_by "first"', async () => {
    const userId = newUserId('first');
    const { reply } = await enroll(userId);
    expect(reply.status).toBe(201);
    expect(await approvedBy(userId)).toEqual(['first']);
  });

  it('recovery: true: the next registration enrolls at once (approved_by "recovery"), logged without a secret', async () => {
    const userId = newUserId('lost');
    const { auth: lost } = await enroll(userId);
    // Every device lost: the RP revokes them, proves who the person is its own way, and recovers.
    expect(
      (await call('DELETE', `/v1/users/${userId}/credentials/${lost.credentialId}`)).status,
    ).toBe(204);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const { auth, ticket, reply } = await register(userId, {}, undefined, { recovery: true });
    expect(reply.status).toBe(201);
    expect(reply.body.credentialId).toBe(auth.credentialId);
    expect(await approvedBy(userId)).toEqual(['first', 'recovery']);
    const lines = log.mock.calls.map((args) => args.join(' '));
    expect(lines.filter((l) => l.includes('"event":"enrolled"'))).toEqual([
      expect.stringContaining('"approvedBy":"recovery"'),
    ]);
    for (const l of lines) expect(l).not.toContain(ticket.split('.')[1]);
    // It approves, and the next passkey is held again: recovery was for that one ticket.
    const { ticket: t } = await requestAction(userId);
    expect((await verify(t, await assertion(t, auth))).status).toBe(200);
    expect((await register(userId)).reply.status).toBe(202);
  });

  it('recovery must be a boolean, and false changes nothing', async () => {
    const userId = newUserId('rec');
    await enroll(userId);
    const bad = await call('POST', '/v1/enrollments', {
      user: { id: userId, name: 'x' },
      recovery: 'yes',
    });
    expectProblem(bad, 400, 'invalid_request');
    expect(bad.body.detail).toMatch(/^recovery/);
    expect((await register(userId, {}, undefined, { recovery: false })).reply.status).toBe(202);
  });

  it('POLICY enrollment.addCredential "open": v1 behaviour, approved_by "open"', async () => {
    const userId = newUserId('open');
    await enroll(userId);
    const open = JSON.stringify({
      enrollment: { addCredential: 'open' },
      rules: [{ id: 'default' }],
    });
    const auth = await SoftAuthenticator.create();
    const { outcome } = await registerUnder(open, userId, auth);
    expect(outcome).toEqual({
      ok: true,
      value: {
        credentialId: auth.credentialId,
        aaguid: expect.any(String),
        deviceBound: true,
        backedUp: false,
      },
    });
    expect(await approvedBy(userId)).toEqual(['first', 'open']);
    // "approved", the default, holds it.
    const approved = JSON.stringify({
      enrollment: { addCredential: 'approved' },
      rules: [{ id: 'default' }],
    });
    const held = await registerUnder(approved, userId, await SoftAuthenticator.create());
    expect(held.outcome.ok && 'pending' in held.outcome.value).toBe(true);
  });

  it('the policy switch is parsed strictly: anything but "approved" or "open" is a misconfiguration', () => {
    expect(parsePolicy('').enrollment).toEqual({ addCredential: 'approved' });
    expect(parsePolicy('{"rules":[{"id":"default"}]}').enrollment).toEqual({
      addCredential: 'approved',
    });
    expect(
      parsePolicy('{"enrollment":{"addCredential":"open"},"rules":[{"id":"default"}]}').enrollment,
    ).toEqual({ addCredential: 'open' });
    expect(() =>
      parsePolicy('{"enrollment":{"addCredential":"anyone"},"rules":[{"id":"default"}]}'),
    ).toThrow(/^enrollment\.addCredential/);
    expect(() =>
      parsePolicy('{"enrollment":{"addCredential":"open","skip":true},"rules":[{"id":"default"}]}'),
    ).toThrow(/^enrollment/);
    expect(() => parsePolicy('{"enrollment":"open","rules":[{"id":"default"}]}')).toThrow(
      /^enrollment/,
    );
  });
});

describe('the approver meets the policy', () => {
  it('a rule matching psea.credential.add applies to whoever approves the new passkey', async () => {
    const policy = JSON.stringify({
      rules: [
        { id: 'adding', match: { type: 'psea.credential.add' }, require: { deviceBound: true } },
        { id: 'default' },
      ],
    });
    const userId = newUserId('rule');
    const { auth: synced } = await enroll(userId, { backupEligible: true, backedUp: true });
    const { ticket, outcome } = await registerUnder(
      policy,
      userId,
      await SoftAuthenticator.create(),
    );
    if (!outcome.ok || !('pending' in outcome.value))
      throw new Error(`expected a hold: ${JSON.stringify(outcome)}`);
    const reply = await approveEnrollment(
      ticket,
      await synced.assert(outcome.value.approval.options, { origin: ORIGIN }),
    );
    expectProblem(reply, 422, 'policy_unmet');
    expect(reply.body.detail).toMatch(/device-bound/);
  });
});

describe('the service keeps its own audience and types', () => {
  it.each([
    ['audience "psea"', { audience: 'psea' }, /^audience:/],
    [
      'type psea.credential.add',
      { action: { type: 'psea.credential.add', user: 'u', cred: 'c', key: 'k', aaguid: 'a' } },
      /^action\.type:/,
    ],
    ['any type beginning "psea."', { action: { type: 'psea.anything' } }, /^action\.type:/],
  ])(
    'POST /v1/actions refuses %s: 400 invalid_request naming the field',
    async (_what, extra, field) => {
      const userId = newUserId('svc');
      await enroll(userId);
      const r = await call('POST', '/v1/actions', { user: { id: userId }, action: WIRE, ...extra });
      expectProblem(r, 400, 'invalid_request');
      expect(r.body.detail).toMatch(field);
    },
  );

  it("names that only look alike are the RP's", async () => {
    const userId = newUserId('svc');
    await enroll(userId);
    for (const extra of [
      { audience: 'psea-demo' },
      { audience: 'psea.' },
      { action: { type: 'pseax.y' } },
      { action: { type: 'psea' } },
    ]) {
      expect(
        (await call('POST', '/v1/actions', { user: { id: userId }, action: WIRE, ...extra }))
          .status,
      ).toBe(201);
    }
  });
});

describe('enrollment time', () => {
  it('receipts carry cred.enrolled_at (seconds) and listings enrolledAt (ISO 8601), the same instant', async () => {
    const userId = newUserId('when');
    const before = Math.floor(Date.now() / 1000);
    const { auth } = await enroll(userId);
    const { ticket } = await requestAction(userId);
    const { receipt } = (await verify(ticket, await assertion(ticket, auth))).body;
    const claims = JSON.parse(isoBase64URL.toUTF8String(receipt.split('.')[1]));
    expect(claims.cred.enrolled_at).toBeGreaterThanOrEqual(before);
    expect(claims.cred.enrolled_at).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    const [listed] = await credentialsOf(userId);
    expect(listed.enrolledAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(listed.enrolledAt) / 1000).toBe(claims.cred.enrolled_at);
  });
});

describe('schema migration', () => {
  it('a v1 vault with a credential: the row survives (approved_by null), counts as enrolled, and pending is then allowed', async () => {
    const userId = newUserId('v1');
    const stub = env.VAULT.get(env.VAULT.idFromName(userId));
    // Start the object, then put it back to the v1 layout with one credential, as a vault made before v2.
    await call('GET', `/v1/users/${userId}/credentials`);
    const old = await SoftAuthenticator.create();
    const result = await runInDurableObject(stub, (_vault, state) => {
      const sql = state.storage.sql;
      for (const t of ['credentials', 'tickets', 'redemptions', 'meta'])
        sql.exec(`DROP TABLE IF EXISTS ${t}`);
      sql.exec(SCHEMA);
      sql.exec("INSERT INTO meta (k, v) VALUES ('user_handle', 'aGFuZGxl')");
      const insert = (id: string, st: string) =>
        sql.exec(
          `INSERT INTO credentials (id, public_key, alg, counter, aaguid, backup_eligible, backed_up, transports, fmt,
             attested, authenticator_name, state, created_at, last_used_at) VALUES (?, ?, -7, 3, ?, 0, 0, '[]', 'none', 0, NULL, ?, ?, NULL)`,
          id,
          old.publicKeyCose,
          old.aaguid,
          st,
          1_700_000_000_000,
        );
      insert(old.credentialId, 'active');
      let pendingBefore = true;
      try {
        insert('p1', 'pending');
      } catch {
        pendingBefore = false;
      }
      migrate(state.storage);
      insert('p2', 'pending');
      return {
        pendingBefore,
        rows: sql
          .exec(
            "SELECT id, state, counter, approved_by, pending_ticket FROM credentials ORDER BY id = 'p2', id",
          )
          .toArray(),
        meta: Object.fromEntries(
          sql
            .exec<{ k: string; v: string }>('SELECT k, v FROM meta')
            .toArray()
            .map((r) => [r.k, r.v]),
        ),
      };
    });
    expect(result.pendingBefore).toBe(false);
    expect(result.rows).toEqual([
      {
        id: old.credentialId,
        state: 'active',
        counter: 3,
        approved_by: null,
        pending_ticket: null,
      },
      { id: 'p2', state: 'pending', counter: 3, approved_by: null, pending_ticket: null },
    ]);
    expect(result.meta).toMatchObject({
      schema_version: String(MIGRATIONS.length),
      has_enrolled: '1',
    });
    // Its user has enrolled before: the next passkey is held.
    expect((await register(userId)).reply.status).toBe(202);
  });

  it('migrating twice changes nothing; a vault with no credential is not marked enrolled', async () => {
    const userId = newUserId('v2');
    await call('GET', `/v1/users/${userId}/credentials`);
    const meta = await runInDurableObject(
      env.VAULT.get(env.VAULT.idFromName(userId)),
      (_vault, state) => {
        migrate(state.storage);
        return state.storage.sql
          .exec<{ k: string }>('SELECT k FROM meta')
          .toArray()
          .map((r) => r.k);
      },
    );
    expect(meta).toEqual(['schema_version']);
    expect(await vaultRows(userId, 'SELECT id FROM credentials')).toEqual([]);
  });
});
