/**
 * A quorum's evidence through verifyEvidence (docs/quorum.md "Evidence"):
 * every approval checked under its own user's log, then `quorum` against
 * the caller's groups. Tampering with an approval, swapping one approver's
 * part for another quorum's, or judging with weaker or no groups fails.
 */
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:test';
import { verifyEvidence } from '../../packages/psea/src/evidence/index';
import { verifierKeyOf } from '../../packages/psea/src/log/note-keys';
import { call, ORIGIN, OTHER_ALLOWED_ORIGIN, WIRE } from './harness';
import { approve, approvers, createQuorum, jwks } from './quorum-harness';

const RP = { rpId: 'localhost', origins: [ORIGIN, OTHER_ALLOWED_ORIGIN] };

async function approvedQuorum() {
  const [a, b, c] = await approvers(3);
  const q = await createQuorum([
    { name: 'Finance', users: [a!, b!], required: 2 },
    { name: 'CFO', users: [c!], required: 1 },
  ]);
  for (const p of [a!, c!, b!]) expect((await approve(q, p)).status).toBe(200);
  const bundle = (await call('GET', `/v1/quorums/${q.quorum}/evidence`)).body;
  const policy = {
    groups: [
      { users: [a!.id, b!.id], required: 2 },
      { users: [c!.id], required: 1 },
    ],
  };
  // Custody roots unanchored here (no checkpoints kept from before): the knownCheckpoint test anchors them.
  const opts = {
    ...RP,
    logKey: await verifierKeyOf(env.LOG_SIGNING_KEY!),
    jwks: await jwks(),
    subject: q.initiator,
    action: WIRE,
    quorum: policy,
    allowUnanchored: true,
  };
  return { q, a: a!, b: b!, c: c!, bundle, policy, opts };
}

const results = (r: { checks: { name: string; result: string }[] }) =>
  Object.fromEntries(r.checks.map((c) => [c.name, c.result]));

describe('verifyEvidence on a quorum bundle', () => {
  it('every approval and the quorum pass', async () => {
    const { bundle, opts } = await approvedQuorum();
    const r = await verifyEvidence(bundle, opts);
    expect(results(r)).toEqual({
      statement: 'pass',
      challenge: 'pass',
      authenticator: 'pass',
      signature: 'pass',
      enrollment: 'pass',
      log: 'pass',
      receipt: 'pass',
      custody: 'pass',
      quorum: 'pass',
    });
    expect(r.ok).toBe(true);
    expect(r.approvals).toHaveLength(3);
  });

  it('without a quorum option, or with a stricter one, check quorum fails', async () => {
    const { bundle, opts, a, b, c } = await approvedQuorum();
    const { quorum: _, ...noQuorum } = opts;
    const none = await verifyEvidence(bundle, noQuorum);
    expect(results(none).quorum).toBe('fail');
    expect(none.ok).toBe(false);
    const stricter = await verifyEvidence(bundle, {
      ...opts,
      quorum: {
        groups: [
          { users: [a.id, b.id, c.id], required: 3 },
          { users: ['u-cfo2'], required: 1 },
        ],
      },
    });
    expect(results(stricter).quorum).toBe('fail');
  });

  it("a tampered approval fails its checks; another quorum's approval swapped in fails too", async () => {
    const { bundle, opts } = await approvedQuorum();
    const tampered = structuredClone(bundle);
    tampered.approvals[1].statement.nonce = tampered.approvals[0].statement.nonce;
    const t = await verifyEvidence(tampered, opts);
    expect(results(t).statement).toBe('fail');
    expect(t.ok).toBe(false);
    const other = await approvedQuorum();
    const swapped = structuredClone(bundle);
    swapped.approvals[0] = other.bundle.approvals[0];
    const s = await verifyEvidence(swapped, opts);
    expect(s.ok).toBe(false);
    expect(results(s).statement).toBe('fail');
    const dropped = structuredClone(bundle);
    dropped.approvals.pop();
    expect(results(await verifyEvidence(dropped, opts)).quorum).toBe('fail');
  });

  it("knownCheckpoint is a map by user id; a checkpoint not matching a consistency proof fails that approval's log", async () => {
    const { bundle, opts } = await approvedQuorum();
    const { allowUnanchored: _, ...anchored } = opts;
    // Unanchored custody roots: not ok. Each approver's checkpoint kept before: anchored, ok.
    const unanchored = await verifyEvidence(bundle, anchored);
    expect(results(unanchored).custody).toBe('unavailable');
    expect(unanchored.ok).toBe(false);
    const known = Object.fromEntries(
      bundle.approvals.map((x: any) => [x.statement.sub, x.log.checkpoint]),
    );
    const r = await verifyEvidence(bundle, { ...anchored, knownCheckpoint: known });
    expect(results(r).custody).toBe('pass');
    expect(r.ok).toBe(true);
    await expect(
      verifyEvidence(bundle, { ...opts, knownCheckpoint: 'a note' as never }),
    ).rejects.toMatchObject({ code: 'invalid_options' });
  });
});
