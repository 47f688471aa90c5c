/**
 * The chain of custody the service builds (docs/evidence.md "Chain of custody"): no credential id
 * that could read as a root, an added passkey's entry naming the approval it was signed with, that
 * approval kept for good, and bundles whose custody verifyEvidence accepts against the checkpoint
 * the RP kept: one link, two links, a recovery root. Migration: test/worker/custody-migration.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { env, runInDurableObject } from 'cloudflare:test';
import { verifyEvidence } from '../../packages/psea/src/evidence/index';
import { verifierKeyOf } from '../../packages/psea/src/log/note-keys';
import { SoftAuthenticator } from '../support/soft-authenticator';
import {
  ORIGIN,
  OTHER_ALLOWED_ORIGIN,
  approveEnrollment,
  assertion,
  call,
  enroll,
  enrollAnother,
  enrollmentOptions,
  enrollmentTicket,
  expectProblem,
  newUserId,
  postEnrollment,
  register,
  requestAction,
  vaultRows,
  verify,
} from './harness';

const RP = { rpId: 'localhost', origins: [ORIGIN, OTHER_ALLOWED_ORIGIN] };
const pinned = () => verifierKeyOf(env.LOG_SIGNING_KEY!);
const checkpointOf = async (userId: string) =>
  (await call('GET', `/v1/users/${userId}/log`)).body.checkpoint as string;
const sizeOf = (note: string) => Number(note.split('\n')[1]);

/** `auth` approves an action; its bundle, with the consistency proof from `known`. */
async function bundleBy(userId: string, auth: SoftAuthenticator, known: string) {
  const { ticket } = await requestAction(userId);
  expect((await verify(ticket, await assertion(ticket, auth))).status).toBe(200);
  const r = await call('GET', `/v1/actions/${ticket}/evidence?since=${sizeOf(known)}`);
  expect(r.status).toBe(200);
  return r.body;
}

const custodyOf = (result: Awaited<ReturnType<typeof verifyEvidence>>) =>
  result.checks.find((c) => c.name === 'custody')!;

describe('no credential id reads as a root', () => {
  it('a registration whose credential id is under 16 bytes → 422 attestation_rejected; 16 bytes enrolls', async () => {
    const userId = newUserId('short-id');
    const ticket = await enrollmentTicket(userId);
    const short = await SoftAuthenticator.create({ credentialIdLength: 15 });
    const reply = await postEnrollment(
      ticket,
      await short.register(await enrollmentOptions(ticket), { origin: ORIGIN }),
    );
    expectProblem(reply, 422, 'attestation_rejected');
    expect(reply.body.detail).toContain('16');
    expect(await vaultRows(userId, 'SELECT id FROM credentials')).toEqual([]);
    const { reply: ok } = await enroll(userId, { credentialIdLength: 16 });
    expect(ok.status).toBe(201);
  });
});

describe('an added passkey names its approval, kept for good', () => {
  it('one link: the entry names the challenge, the bundle carries the statement and the assertion exactly as posted', async () => {
    const userId = newUserId('cu-one');
    const { auth: first } = await enroll(userId);
    const { auth: added, ticket, reply: held } = await register(userId);
    expect(held.status).toBe(202);
    // Members the schema does not know are kept as posted: the assertion is the body, byte for byte.
    const posted = {
      ...(await first.assert(held.body.approval.options, { origin: ORIGIN })),
      authenticatorAttachment: 'platform',
    };
    expect((await approveEnrollment(ticket, posted)).status).toBe(201);
    const known = await checkpointOf(userId); // as the credential.enrolled webhook carries it
    const bundle = await bundleBy(userId, added, known);
    expect(bundle.log.enrolled.entry).toMatchObject({
      cred: added.credentialId,
      approvedBy: first.credentialId,
      approval: { challenge: held.body.approval.options.challenge },
    });
    expect(bundle.custody).toHaveLength(1);
    expect(bundle.custody[0]).toMatchObject({
      added: added.credentialId,
      statement: held.body.approval.statement,
      assertion: JSON.parse(JSON.stringify(posted)),
    });
    expect(bundle.custody[0].approver).toMatchObject({
      id: first.credentialId,
      enrolled: { index: 0, entry: { cred: first.credentialId, approvedBy: 'first' } },
    });
    const result = await verifyEvidence(bundle, {
      ...RP,
      logKey: await pinned(),
      knownCheckpoint: known,
    });
    expect(custodyOf(result)).toMatchObject({
      result: 'pass',
      root: 'first',
      rootIndex: 0,
      why: 'root first at 0',
    });
    expect(result.ok).toBe(true);
  });

  it('two links: a passkey added by a passkey that was itself added', async () => {
    const userId = newUserId('cu-two');
    const { auth: a } = await enroll(userId);
    const { auth: b } = await enrollAnother(userId, a);
    const { auth: c } = await enrollAnother(userId, b);
    const known = await checkpointOf(userId);
    const bundle = await bundleBy(userId, c, known);
    expect(
      bundle.custody.map((l: { added: string; approver: { id: string } }) => [
        l.added,
        l.approver.id,
      ]),
    ).toEqual([
      [c.credentialId, b.credentialId],
      [b.credentialId, a.credentialId],
    ]);
    const result = await verifyEvidence(bundle, {
      ...RP,
      logKey: await pinned(),
      knownCheckpoint: known,
    });
    expect(custodyOf(result)).toMatchObject({ result: 'pass', root: 'first', rootIndex: 0 });
    expect(result.ok).toBe(true);
  });

  it('a recovery root passes only when the caller names it, anchored by a checkpoint from after it', async () => {
    const userId = newUserId('cu-rec');
    await enroll(userId);
    const before = await checkpointOf(userId);
    const { auth: recovered, reply } = await register(userId, {}, undefined, { recovery: true });
    expect(reply.status).toBe(201);
    const { auth: added } = await enrollAnother(userId, recovered);
    const after = await checkpointOf(userId);
    const bundle = await bundleBy(userId, added, after);
    const logKey = await pinned();
    const strict = await verifyEvidence(bundle, { ...RP, logKey, knownCheckpoint: after });
    expect(custodyOf(strict)).toMatchObject({ result: 'fail', root: 'recovery', rootIndex: 1 });
    const named = await verifyEvidence(bundle, {
      ...RP,
      logKey,
      knownCheckpoint: after,
      custodyRoots: ['first', 'recovery'],
    });
    expect(custodyOf(named)).toMatchObject({ result: 'pass', why: 'root recovery at 1' });
    expect(named.ok).toBe(true);
    // A checkpoint from before the recovery does not anchor it: it could be the operator's own key.
    const fromBefore = {
      ...bundle,
      log: {
        ...bundle.log,
        consistency: {
          from: sizeOf(before),
          proof: (await call('GET', `/v1/users/${userId}/log/consistency?from=${sizeOf(before)}`))
            .body.proof,
        },
      },
    };
    const unanchored = await verifyEvidence(fromBefore, {
      ...RP,
      logKey,
      knownCheckpoint: before,
      custodyRoots: ['first', 'recovery'],
    });
    expect(custodyOf(unanchored).result).toBe('fail');
    expect(custodyOf(unanchored).why).toContain('does not cover it');
  });

  it('the approval outlives EVIDENCE_TTL_DAYS: a year later the chain is still shown', async () => {
    const userId = newUserId('cu-ttl');
    const { auth: first } = await enroll(userId);
    const { auth: added } = await enrollAnother(userId, first);
    const { ticket } = await requestAction(userId);
    expect((await verify(ticket, await assertion(ticket, added))).status).toBe(200);
    await runInDurableObject(env.VAULT.get(env.VAULT.idFromName(userId)), (_v, state) => {
      state.storage.sql.exec('UPDATE evidence SET approved_at = approved_at - ?', 365 * 86_400_000);
    });
    const known = await checkpointOf(userId);
    const bundle = await bundleBy(userId, added, known); // its approval prunes the old evidence row
    expect(await vaultRows(userId, 'SELECT count(*) AS n FROM evidence')).toEqual([{ n: 1 }]);
    expect(await vaultRows(userId, 'SELECT cred, approver FROM credential_approvals')).toEqual([
      { cred: added.credentialId, approver: first.credentialId },
    ]);
    expect(
      (await verifyEvidence(bundle, { ...RP, logKey: await pinned(), knownCheckpoint: known })).ok,
    ).toBe(true);
  });
});
