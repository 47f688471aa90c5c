/**
 * The separation rules attacked (docs/quorum.md): the initiator approving
 * through a ticket of its own, a user or a credential counted twice, a
 * single receipt passed as a quorum's and the reverse, and a backend whose
 * policy is stricter than the quorum that was requested. Forged receipts
 * are signed with the service's own key: the checks must hold even then.
 */
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:test';
import { decodeJwt } from 'jose';
import { getSigningKeys } from '../../worker/config';
import { signQuorumReceipt } from '../../worker/quorum/sign-quorum-receipt';
import { hashQuorum } from '../../packages/psea/src/receipt/quorum-hash';
import type { QuorumReceiptClaims } from '../../packages/psea/src/receipt/quorum-types';
import { verifyReceipt } from '../../packages/psea/src/receipt/verify-receipt';
import {
  assertion,
  BASE,
  call,
  enroll,
  expectProblem,
  requestAction,
  verify,
  WIRE,
} from './harness';
import { approve, approvers, createQuorum, jwks, ticketOf } from './quorum-harness';

async function met() {
  const [b, c, d] = await approvers(3);
  const q = await createQuorum([
    { users: [b!, c!], required: 2 },
    { users: [d!], required: 1 },
  ]);
  await approve(q, b!);
  await approve(q, c!);
  const receipt = (await approve(q, d!)).body.receipt as string;
  const base = {
    jwks: await jwks(),
    issuer: BASE,
    audience: 'payments-api',
    subject: q.initiator,
    action: WIRE,
  };
  const policy = {
    groups: [
      { users: [b!.id, c!.id], required: 2 },
      { users: [d!.id], required: 1 },
    ],
  };
  return {
    q,
    b: b!,
    c: c!,
    d: d!,
    receipt,
    base,
    policy,
    claims: decodeJwt(receipt) as unknown as QuorumReceiptClaims,
  };
}

/** A receipt the service's key signs with claims bent: a compromised or buggy quorum, not a forger without the key. */
async function forge(
  claims: QuorumReceiptClaims,
  bend: (c: QuorumReceiptClaims) => void,
  rehash = true,
): Promise<string> {
  const bent = structuredClone(claims);
  bend(bent);
  if (rehash) bent.qrm = await hashQuorum(bent.quorum);
  return signQuorumReceipt(bent, (await getSigningKeys(env)).signer);
}

describe("a quorum receipt judged against the backend's own groups", () => {
  it('a backend policy stricter than the requested quorum → quorum_unmet', async () => {
    const [b, c, d] = await approvers(3);
    // The agent asked for one of Finance only; the backend's policy is two of Finance.
    const q = await createQuorum([{ users: [b!, c!, d!], required: 1 }]);
    const receipt = (await approve(q, b!)).body.receipt;
    const base = {
      jwks: await jwks(),
      issuer: BASE,
      audience: 'payments-api',
      subject: q.initiator,
      action: WIRE,
    };
    await expect(
      verifyReceipt(receipt, {
        ...base,
        quorum: { groups: [{ users: [b!.id, c!.id, d!.id], required: 2 }] },
      }),
    ).rejects.toMatchObject({ code: 'quorum_unmet' });
    // Approvers the backend does not list count for nothing.
    await expect(
      verifyReceipt(receipt, {
        ...base,
        quorum: { groups: [{ users: [c!.id, d!.id], required: 1 }] },
      }),
    ).rejects.toMatchObject({ code: 'quorum_unmet' });
    expect(
      (
        await verifyReceipt(receipt, {
          ...base,
          quorum: { groups: [{ users: [b!.id, c!.id, d!.id], required: 1 }] },
        })
      ).claims.apv,
    ).toHaveLength(1);
  });

  it('the initiator approving through a single ticket of its own → quorum_unmet; as an approver of another quorum → subject_mismatch', async () => {
    const { q, base, policy, b } = await met();
    const { auth } = await enroll(q.initiator);
    const own = await requestAction(q.initiator, {});
    const single = (await verify(own.ticket, await assertion(own.ticket, auth))).body
      .receipt as string;
    await expect(verifyReceipt(single, { ...base, quorum: policy })).rejects.toMatchObject({
      code: 'quorum_unmet',
    });
    // Another quorum for the same action, asked by someone else, in which the initiator approves.
    const other = await createQuorum(
      [{ users: [{ id: q.initiator, auth }], required: 1 }],
      {},
      b.id,
    );
    const theirs = (await approve(other, { id: q.initiator, auth })).body.receipt;
    await expect(verifyReceipt(theirs, { ...base, quorum: policy })).rejects.toMatchObject({
      code: 'subject_mismatch',
    });
  });

  it('a quorum receipt where a single approval is expected → typ_invalid', async () => {
    const { receipt, base } = await met();
    await expect(verifyReceipt(receipt, base)).rejects.toMatchObject({ code: 'typ_invalid' });
  });

  it('bent claims, even under the service key: a user twice, a credential twice, the initiator among the approvals, qrm or initiator changed', async () => {
    const { claims, base, policy } = await met();
    const cases: [string, (c: QuorumReceiptClaims) => void, boolean?][] = [
      ['a user twice', (c) => void (c.apv[1] = { ...c.apv[1]!, sub: c.apv[0]!.sub })],
      ['a credential twice', (c) => void (c.apv[1]!.cred = { ...c.apv[0]!.cred })],
      [
        'the initiator approves',
        (c) =>
          void c.apv.push({ ...c.apv[0]!, sub: c.sub, cred: { ...c.apv[0]!.cred, id: 'other' } }),
      ],
      ['qrm of another quorum', (c) => void (c.qrm = c.act), false],
      ["the quorum's initiator is not sub", (c) => void (c.quorum.initiator = 'someone-else')],
      ['an approval dropped', (c) => void c.apv.pop()],
    ];
    for (const [name, bend, rehash] of cases) {
      const token = await forge(claims, bend, rehash ?? true);
      await expect(verifyReceipt(token, { ...base, quorum: policy }), name).rejects.toMatchObject({
        code: 'quorum_unmet',
      });
    }
    // The description in the receipt is never what is judged: weakened, it still fails the backend's groups.
    const weakened = await forge(claims, (c) => {
      c.quorum.groups = [{ users: [{ id: c.apv[0]!.sub }], required: 1 }];
      c.apv = [c.apv[0]!];
    });
    await expect(verifyReceipt(weakened, { ...base, quorum: policy })).rejects.toMatchObject({
      code: 'quorum_unmet',
    });
  });

  it('bad quorum options → invalid_options before the token is read', async () => {
    const { base } = await met();
    const bad: unknown[] = [
      null,
      [],
      {},
      { groups: [] },
      { groups: [{ users: [], required: 1 }] },
      { groups: [{ users: ['u-1'], required: 0 }] },
      { groups: [{ users: ['u-1'], required: 2 }] },
      { groups: [{ users: ['u-1'], required: 1.5 }] },
      {
        groups: [
          { users: ['u-1'], required: 1 },
          { users: ['u-1'], required: 1 },
        ],
      },
      { groups: [{ users: [base.subject], required: 1 }] },
      { groups: [{ users: [7], required: 1 }] },
    ];
    for (const quorum of bad)
      await expect(
        verifyReceipt('x', { ...base, quorum: quorum as never }),
        JSON.stringify(quorum),
      ).rejects.toMatchObject({ code: 'invalid_options' });
  });
});

describe('an approver ticket yields no single receipt', () => {
  it('status approved with no receipt; its evidence route is 404 ticket_not_found', async () => {
    const { q, b } = await met();
    const ticket = ticketOf(q, b);
    const status = await call('GET', `/v1/actions/${ticket}/status`);
    expect(status.body).toEqual({ state: 'approved' });
    expectProblem(await call('GET', `/v1/actions/${ticket}/evidence`), 404, 'ticket_not_found');
  });

  it("a ticket with another quorum's id appended is not found", async () => {
    const [a] = await approvers(1);
    const q1 = await createQuorum([{ users: [a!], required: 1 }]);
    const q2 = await createQuorum([{ users: [a!], required: 1 }]);
    const swapped = `${ticketOf(q1, a!).slice(0, 108)}.${q2.quorum}`;
    expectProblem(
      await call('GET', `/v1/actions/${swapped}`, undefined, { auth: false }),
      404,
      'ticket_not_found',
    );
    expectProblem(
      await verify(swapped, await assertion(ticketOf(q1, a!), a!.auth)),
      404,
      'ticket_not_found',
    );
  });
});
