/**
 * Review finding: verifyEvidence on a quorum bundle ignores the caller's
 * `action` option. A single bundle fails check `statement` when its act is
 * not the hash of the caller's action (statement-check.ts); a quorum bundle
 * is checked "as a single one" (docs/quorum.md "Evidence"), yet
 * quorum-evidence-checks.ts never reads opts.actionJson. So the evidence of a
 * quorum that approved a €1 transfer is `ok: true` for a caller who asks
 * whether the €250,000 transfer it is about to execute was approved.
 */
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:test';
import { verifyEvidence } from '../../packages/psea/src/evidence/index';
import { verifierKeyOf } from '../../packages/psea/src/log/note-keys';
import { call, ORIGIN, OTHER_ALLOWED_ORIGIN, WIRE } from './harness';
import { approve, approvers, createQuorum, jwks } from './quorum-harness';

const RP = { rpId: 'localhost', origins: [ORIGIN, OTHER_ALLOWED_ORIGIN] };
const results = (r: { checks: { name: string; result: string }[] }) =>
  Object.fromEntries(r.checks.map((c) => [c.name, c.result]));

describe('review: quorum evidence and the caller action', () => {
  it('a quorum bundle for a small action is not ok for another action', async () => {
    const [a, b] = await approvers(2);
    const small = { ...WIRE, amount: '1.00' };
    const big = { ...WIRE, amount: '250000.00' };
    const q = await createQuorum([{ users: [a!, b!], required: 2 }], { action: small });
    for (const p of [a!, b!]) expect((await approve(q, p)).status).toBe(200);
    const bundle = (await call('GET', `/v1/quorums/${q.quorum}/evidence`)).body;
    const opts = {
      ...RP,
      logKey: await verifierKeyOf(env.LOG_SIGNING_KEY!),
      jwks: await jwks(),
      subject: q.initiator,
      quorum: { groups: [{ users: [a!.id, b!.id], required: 2 }] },
      allowUnanchored: true,
    };
    // Sanity: with the action that was approved, every check passes.
    expect((await verifyEvidence(bundle, { ...opts, action: small })).ok).toBe(true);
    // With another action, as for a single bundle, check statement must fail.
    const r = await verifyEvidence(bundle, { ...opts, action: big });
    expect(results(r).statement).toBe('fail');
    expect(r.ok).toBe(false);
  });
});
