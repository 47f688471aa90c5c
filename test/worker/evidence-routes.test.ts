/**
 * GET /v1/actions/:ticket/evidence (SPEC.md v2): the service's own bundles
 * pass every check of verifyEvidence with the log key pinned from the
 * secret (and published first at /.well-known/psea-log-key); `since=N`
 * proves growth; `not_approved` until approved; the attestation object only
 * when asked for. Attacks first: no key, another user's ticket, a forged one.
 */
import { describe, expect, it, vi } from 'vitest';
import { verifyEvidence } from '../../packages/psea/src/evidence/index';
import { generateSignerKey, verifierKeyOf } from '../../packages/psea/src/log/note-keys';
import { openCheckpoint, logOrigin } from '../../packages/psea/src/log/checkpoint';
import { ticketHash } from '../../worker/http/ticket';
import {
  assertion,
  call,
  callApp,
  enroll,
  enrollAnother,
  expectProblem,
  newUserId,
  ORIGIN,
  OTHER_ALLOWED_ORIGIN,
  requestAction,
  vaultRows,
  verify,
} from './harness';
import { env, runInDurableObject } from 'cloudflare:test';

const pinned = () => verifierKeyOf(env.LOG_SIGNING_KEY!);
const RP = { rpId: 'localhost', origins: [ORIGIN, OTHER_ALLOWED_ORIGIN] };
const evidence = (ticket: string, query = '', auth: boolean | string = true) =>
  call('GET', `/v1/actions/${ticket}/evidence${query}`, undefined, { auth });

async function jwks() {
  return (await call('GET', '/.well-known/jwks.json', undefined, { auth: false })).body;
}

/** An enrolled user with one approved action, and the checkpoint the RP kept after the enrollment (size 1). */
async function approved(userId = newUserId('ev')) {
  const { auth } = await enroll(userId);
  const known = (await call('GET', `/v1/users/${userId}/log`)).body.checkpoint as string;
  const action = await requestAction(userId);
  const ok = await verify(action.ticket, await assertion(action.ticket, auth));
  expect(ok.status).toBe(200);
  return { userId, auth, known, ...action, receipt: ok.body.receipt as string };
}

const allPass = (result: Awaited<ReturnType<typeof verifyEvidence>>) =>
  Object.fromEntries(
    result.checks.map((c) => [c.name, c.result === 'pass' ? 'pass' : `${c.result}: ${c.why}`]),
  );

describe('attacks on the evidence and log routes', () => {
  it('every one needs the API key: none, or a wrong one, is 401', async () => {
    const { ticket, userId } = await approved();
    for (const path of [
      `/v1/actions/${ticket}/evidence`,
      `/v1/users/${userId}/log`,
      `/v1/users/${userId}/log/consistency?from=0`,
    ]) {
      expectProblem(await call('GET', path, undefined, { auth: false }), 401, 'unauthorized');
      expectProblem(
        await call('GET', path, undefined, { auth: 'x'.repeat(43) }),
        401,
        'unauthorized',
      );
    }
  });

  it("another user's ticket: its vault id with a forged secret, or a ticket of the other kind, is 404", async () => {
    const a = await approved(newUserId('ev-a'));
    const forged = `${a.ticket.slice(0, 65)}${'A'.repeat(43)}`;
    expectProblem(await evidence(forged), 404, 'ticket_not_found');
    expectProblem(await evidence('not-a-ticket'), 404, 'ticket_not_found');
    const enrollTicket = (
      await call('POST', '/v1/enrollments', { user: { id: a.userId, name: 'ada' } })
    ).body.ticket;
    expectProblem(await evidence(enrollTicket), 404, 'ticket_not_found');
  });

  it("a user id that is not the ticket's: that user's log holds none of this approval, and its checkpoint is not this user's", async () => {
    const a = await approved(newUserId('ev-a'));
    const b = await approved(newUserId('ev-b'));
    const bundle = (await evidence(a.ticket)).body;
    const logB = (await call('GET', `/v1/users/${b.userId}/log`)).body;
    expect(logB.entries.map((e: { entry: { sub: string } }) => e.entry.sub)).toEqual([
      b.userId,
      b.userId,
    ]);
    expect(
      logB.entries.some(
        (e: { entry: { jti?: string } }) => e.entry.jti === bundle.log.approved.entry.jti,
      ),
    ).toBe(false);
    const key = await pinned();
    await expect(
      openCheckpoint(logB.checkpoint, [key], await logOrigin(key.split('+')[0]!, a.userId)),
    ).rejects.toThrow(/not/);
    // B's checkpoint swapped into A's bundle fails the log check.
    const swapped = { ...bundle, log: { ...bundle.log, checkpoint: logB.checkpoint } };
    const result = await verifyEvidence(swapped, { ...RP, logKey: key });
    expect(result.checks.find((c) => c.name === 'log')!.result).toBe('fail');
  });
});

describe('bundles the service makes', () => {
  it('pass every check with the pinned key, the one /.well-known/psea-log-key lists first', async () => {
    const { ticket, userId, receipt, known } = await approved();
    const keys = await call('GET', '/.well-known/psea-log-key', undefined, { auth: false });
    expect(keys.status).toBe(200);
    expect(keys.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(keys.body).toBe(`${await pinned()}\n`);
    const r = await evidence(ticket, '?since=1');
    expect(r.status).toBe(200);
    expect(r.body.receipt).toBe(receipt);
    expect(r.body.credential.enrollment.attestationObject).toBeUndefined();
    expect(r.body.log.enrolled.index).toBe(0);
    expect(r.body.log.approved.index).toBe(1);
    expect(r.body.custody).toEqual([]);
    const result = await verifyEvidence(r.body, {
      ...RP,
      logKey: await pinned(),
      knownCheckpoint: known,
      jwks: await jwks(),
      subject: userId,
      action: r.body.action,
    });
    expect(allPass(result)).toEqual({
      statement: 'pass',
      challenge: 'pass',
      authenticator: 'pass',
      signature: 'pass',
      enrollment: 'pass',
      log: 'pass',
      receipt: 'pass',
      custody: 'pass',
    });
    expect(result.checks.at(-1)).toMatchObject({
      name: 'custody',
      why: 'root first at 0',
      root: 'first',
      rootIndex: 0,
    });
    expect(result.ok).toBe(true);
    // v3: without a kept checkpoint the root is not anchored, and ok is false.
    const unanchored = await verifyEvidence(r.body, { ...RP, logKey: await pinned() });
    expect(unanchored.checks.at(-1)!.result).toBe('unavailable');
    expect(unanchored.ok).toBe(false);
    // Still served after the receipt is redeemed: evidence outlives the receipt.
    expect(
      (await call('POST', '/v1/receipts/redeem', { receipt, audience: 'payments-api' })).status,
    ).toBe(200);
    expect((await evidence(ticket)).status).toBe(200);
  });

  it('the assertion is the body exactly as posted, members the schema does not know included', async () => {
    const userId = newUserId('ev-raw');
    const { auth } = await enroll(userId);
    const { ticket } = await requestAction(userId);
    const response = {
      ...(await assertion(ticket, auth)),
      authenticatorAttachment: 'platform' as const,
    };
    expect((await verify(ticket, response)).status).toBe(200);
    expect((await evidence(ticket)).body.assertion).toEqual(JSON.parse(JSON.stringify(response)));
  });

  it('attestation=1 adds the attestationObject; anything but 0 or 1 is 400', async () => {
    const { ticket } = await approved();
    const r = await evidence(ticket, '?attestation=1');
    expect(typeof r.body.credential.enrollment.attestationObject).toBe('string');
    expect(
      (await verifyEvidence(r.body, { ...RP, logKey: await pinned(), allowUnanchored: true })).ok,
    ).toBe(true);
    expect(
      (await evidence(ticket, '?attestation=0')).body.credential.enrollment.attestationObject,
    ).toBeUndefined();
    expectProblem(await evidence(ticket, '?attestation=yes'), 400, 'invalid_request');
  });

  it('since=N: a consistency proof that the log only grew from a checkpoint the RP kept', async () => {
    const userId = newUserId('ev-since');
    const { auth } = await enroll(userId);
    const known = (await call('GET', `/v1/users/${userId}/log`)).body.checkpoint as string;
    const action = await requestAction(userId);
    await verify(action.ticket, await assertion(action.ticket, auth, { flags: { uv: false } })); // a failed entry
    expect((await verify(action.ticket, await assertion(action.ticket, auth))).status).toBe(200);
    const r = await evidence(action.ticket, '?since=1');
    expect(r.body.log.consistency.from).toBe(1);
    const result = await verifyEvidence(r.body, {
      ...RP,
      logKey: await pinned(),
      knownCheckpoint: known,
    });
    expect(allPass(result).log).toBe('pass');
    // Without the proof, a known checkpoint cannot be checked: the log check fails.
    const noProof = await verifyEvidence((await evidence(action.ticket)).body, {
      ...RP,
      logKey: await pinned(),
      knownCheckpoint: known,
    });
    expect(noProof.checks.find((c) => c.name === 'log')!.result).toBe('fail');
    expectProblem(await evidence(action.ticket, '?since=4'), 400, 'invalid_request');
    expectProblem(await evidence(action.ticket, '?since=-1'), 400, 'invalid_request');
  });

  it('a passkey added with an approval: its enrolled entry (approvedBy the approver) is in its bundles', async () => {
    const userId = newUserId('ev-added');
    const { auth: first } = await enroll(userId);
    const { auth: added } = await enrollAnother(userId, first);
    const action = await requestAction(userId);
    expect((await verify(action.ticket, await assertion(action.ticket, added))).status).toBe(200);
    const r = await evidence(action.ticket);
    expect(r.body.log.enrolled.entry).toMatchObject({
      cred: added.credentialId,
      approvedBy: first.credentialId,
      approval: { challenge: expect.any(String) },
    });
    expect(r.body.custody).toHaveLength(1);
    expect(
      (
        await verifyEvidence(r.body, {
          ...RP,
          logKey: await pinned(),
          jwks: await jwks(),
          allowUnanchored: true,
        })
      ).ok,
    ).toBe(true);
  });
  // A credential enrolled before v3 is migrated: test/worker/custody-migration.test.ts.
});

describe('not_approved, and evidence that is no longer kept', () => {
  it('409 not_approved while pending, expired or burned', async () => {
    const userId = newUserId('ev-not');
    const { auth } = await enroll(userId);
    const pending = await requestAction(userId);
    expectProblem(await evidence(pending.ticket), 409, 'not_approved');
    const expired = await requestAction(userId, { ttl: 1 });
    await runInDurableObject(env.VAULT.get(env.VAULT.idFromName(userId)), async (_v, state) => {
      state.storage.sql.exec(
        'UPDATE tickets SET expires_at = 1 WHERE hash = ?',
        await ticketHash(expired.ticket),
      );
    });
    expectProblem(await evidence(expired.ticket), 409, 'not_approved');
    const burned = await requestAction(userId);
    for (let i = 0; i < 5; i++)
      await verify(burned.ticket, await assertion(burned.ticket, auth, { flags: { uv: false } }));
    expect((await call('GET', `/v1/actions/${burned.ticket}/status`)).body.state).toBe('burned');
    expectProblem(await evidence(burned.ticket), 409, 'not_approved');
  });

  it('past EVIDENCE_TTL_DAYS the bundle is gone (404 not_found), the log entry stays', async () => {
    const { ticket, userId, auth } = await approved();
    await runInDurableObject(env.VAULT.get(env.VAULT.idFromName(userId)), (_v, state) => {
      state.storage.sql.exec('UPDATE evidence SET approved_at = approved_at - ?', 91 * 86_400_000);
    });
    expectProblem(await evidence(ticket), 404, 'not_found');
    expect(
      (await call('GET', `/v1/users/${userId}/log`)).body.entries.map(
        (e: { entry: { kind: string } }) => e.entry.kind,
      ),
    ).toEqual(['enrolled', 'approved']);
    // The user's next approval drops the stale row for good and keeps its own.
    const next = await requestAction(userId);
    expect((await verify(next.ticket, await assertion(next.ticket, auth))).status).toBe(200);
    expect(await vaultRows(userId, 'SELECT count(*) AS n FROM evidence')).toEqual([{ n: 1 }]);
    expect((await evidence(next.ticket)).status).toBe(200);
  });
});

describe('LOG_SIGNING_KEY fails closed', () => {
  it('missing or malformed: 500 misconfigured on every route that signs, a log line naming it, never its value', async () => {
    const { ticket, userId } = await approved();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const bad = `${env.LOG_SIGNING_KEY!.slice(0, -4)}AAAA`;
    for (const value of [undefined, '', 'PRIVATE+KEY+x', bad]) {
      for (const path of [
        `/v1/actions/${ticket}/evidence`,
        `/v1/users/${userId}/log`,
        `/v1/users/${userId}/log/consistency?from=0`,
        '/.well-known/psea-log-key',
      ]) {
        expectProblem(await callApp({ LOG_SIGNING_KEY: value }, 'GET', path), 500, 'misconfigured');
      }
    }
    const lines = errors.mock.calls.map((c) => c.join(' '));
    errors.mockRestore();
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).toContain('LOG_SIGNING_KEY');
      expect(line).not.toContain(bad.split('+').at(-1));
    }
    // A malformed older verifier key is refused too; a good one is listed after the current.
    expectProblem(
      await callApp(
        { LOG_VERIFIER_KEYS: 'x+00000000+AAAA' },
        'GET',
        '/.well-known/psea-log-key',
        undefined,
        { auth: false },
      ),
      500,
      'misconfigured',
    );
    const old = await verifierKeyOf(await generateSignerKey('old.example/psea'));
    const listed = await callApp(
      { LOG_VERIFIER_KEYS: ` ${old} ,${await pinned()}` },
      'GET',
      '/.well-known/psea-log-key',
      undefined,
      { auth: false },
    );
    expect(listed.body).toBe(`${await pinned()}\n${old}\n`);
  });
});
