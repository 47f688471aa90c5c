/**
 * A quorum end to end through the routes (docs/quorum.md): "two of Finance
 * and the CFO, never the initiator". Each approver approves on their own
 * ticket; the approval that meets every group gets the one quorum receipt,
 * which verifyReceipt accepts only against the backend's own groups.
 */
import { describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { hashQuorum } from '../../packages/psea/src/receipt/quorum-hash';
import { statementChallenge } from '../../packages/psea/src/receipt/statement';
import { verifyReceipt } from '../../packages/psea/src/receipt/verify-receipt';
import { assertion, BASE, call, details, expectProblem, verify, WIRE } from './harness';
import { approve, approvers, createQuorum, jwks, quorumStatus, ticketOf } from './quorum-harness';

describe('two of Finance and the CFO', () => {
  it('counts each approval, mints one receipt on the one that meets the quorum, and the backend accepts it against its own groups', async () => {
    const [bob, carol, dave, cfo] = await approvers(4);
    const q = await createQuorum(
      [
        { name: 'Finance', users: [bob!, carol!, dave!], required: 2 },
        { name: 'CFO', users: [cfo!], required: 1 },
      ],
      { reference: 'pay-77' },
    );
    expect(q.quorum).toMatch(/^[0-9a-f]{64}$/);
    expect(q.approvers.map((a) => [a.user, a.group])).toEqual([
      [bob!.id, 0],
      [carol!.id, 0],
      [dave!.id, 0],
      [cfo!.id, 1],
    ]);
    for (const a of q.approvers) expect(a.approveUrl).toBe(`${BASE}/approve/${a.ticket}`);

    // The approver's page: the statement adds qrm; the quorum member says who asked and where it stands.
    const shown = await details(ticketOf(q, bob!));
    expect(shown.status).toBe(200);
    const groups = [
      {
        name: 'Finance',
        users: [{ id: bob!.id }, { id: carol!.id }, { id: dave!.id }],
        required: 2,
      },
      { name: 'CFO', users: [{ id: cfo!.id }], required: 1 },
    ];
    const qrm = await hashQuorum({ id: q.quorum, initiator: q.initiator, groups });
    expect(shown.body.statement).toEqual({
      v: 1,
      iss: BASE,
      aud: 'payments-api',
      sub: bob!.id,
      act: q.actionHash,
      dsp: q.dsp,
      nonce: expect.any(String),
      qrm,
    });
    expect(shown.body.options.challenge).toBe(await statementChallenge(shown.body.statement));
    expect(shown.body.quorum).toEqual({
      id: q.quorum,
      initiator: q.initiator,
      state: 'pending',
      groups: groups.map((g) => ({ ...g, approved: [] })),
    });

    const first = await approve(q, bob!);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      quorum: {
        id: q.quorum,
        state: 'pending',
        groups: [
          { required: 2, approved: [bob!.id] },
          { required: 1, approved: [] },
        ],
      },
    });
    expect((await approve(q, cfo!)).body.quorum.state).toBe('pending');
    const lastBody = await assertion(ticketOf(q, carol!), carol!.auth);
    const last = await verify(ticketOf(q, carol!), lastBody);
    expect(last.status).toBe(200);
    expect(last.body.quorum).toEqual({
      id: q.quorum,
      state: 'approved',
      groups: [
        { required: 2, approved: [bob!.id, carol!.id] },
        { required: 1, approved: [cfo!.id] },
      ],
    });
    const receipt = last.body.receipt as string;
    expect(decodeProtectedHeader(receipt).typ).toBe('psea-quorum+jwt');
    const claims = decodeJwt(receipt) as any;
    expect(claims).toMatchObject({
      iss: BASE,
      sub: q.initiator,
      aud: 'payments-api',
      act: q.actionHash,
      act_type: 'wire.transfer',
      dsp: q.dsp,
      qrm,
      quorum: { id: q.quorum, initiator: q.initiator, groups },
    });
    expect(claims.apv.map((a: any) => [a.sub, a.grp])).toEqual([
      [bob!.id, 0],
      [cfo!.id, 1],
      [carol!.id, 0],
    ]);
    for (const a of claims.apv)
      expect(Object.keys(a.cred).sort()).toEqual([
        'aaguid',
        'backed_up',
        'device_bound',
        'enrolled_at',
        'id',
      ]);

    // The approval that met it, posted again (its answer lost): told the receipt again.
    const again = await verify(ticketOf(q, carol!), lastBody);
    expectProblem(again, 409, 'ticket_used');
    expect(again.body.receipt).toBe(last.body.receipt);
    // The third Finance approver: the quorum is closed, nothing consumed or counted.
    expectProblem(await approve(q, dave!), 409, 'quorum_closed');
    expect((await details(ticketOf(q, dave!))).body.quorum.state).toBe('approved');

    // The initiator's view, the same receipt.
    const status = await quorumStatus(q, '', q.statusToken);
    expect(status.status).toBe(200);
    expect(status.body).toEqual({
      state: 'approved',
      reference: 'pay-77',
      receipt,
      groups: [
        {
          name: 'Finance',
          required: 2,
          approved: [
            { user: bob!.id, at: expect.any(Number) },
            { user: carol!.id, at: expect.any(Number) },
          ],
        },
        { name: 'CFO', required: 1, approved: [{ user: cfo!.id, at: expect.any(Number) }] },
      ],
    });

    // The backend, with its own policy.
    const base = {
      jwks: await jwks(),
      issuer: BASE,
      audience: 'payments-api',
      subject: q.initiator,
      action: WIRE,
    };
    const policy = {
      groups: [
        { users: [bob!.id, carol!.id, dave!.id], required: 2 },
        { users: [cfo!.id], required: 1 },
      ],
    };
    const ok = await verifyReceipt(receipt, { ...base, quorum: policy });
    expect(ok.claims.jti).toBe(claims.jti);
    expect(ok.statements[0]).toEqual({
      v: 1,
      iss: BASE,
      aud: 'payments-api',
      sub: bob!.id,
      act: q.actionHash,
      dsp: q.dsp,
      nonce: claims.apv[0].nonce,
      qrm,
    });
    // Without the option it is no receipt of a single approval.
    await expect(verifyReceipt(receipt, base)).rejects.toMatchObject({ code: 'typ_invalid' });
    // A backend policy stricter than what was requested: all three of Finance.
    await expect(
      verifyReceipt(receipt, {
        ...base,
        quorum: { groups: [{ users: [bob!.id, carol!.id, dave!.id], required: 3 }] },
      }),
    ).rejects.toMatchObject({ code: 'quorum_unmet' });

    // Redeem: once.
    const redeemed = await call('POST', '/v1/receipts/redeem', {
      receipt,
      audience: 'payments-api',
    });
    expect(redeemed.status).toBe(200);
    expect(redeemed.body.claims.jti).toBe(claims.jti);
    expectProblem(
      await call('POST', '/v1/receipts/redeem', { receipt, audience: 'payments-api' }),
      409,
      'receipt_redeemed',
    );
  });
});

describe('GET /v1/quorums/:id/evidence', () => {
  it("409 not_approved until approved; then each approval with its own user's log, in apv order", async () => {
    const [a, b] = await approvers(2);
    const q = await createQuorum([{ name: 'Ops', users: [a!, b!], required: 2 }]);
    expectProblem(await call('GET', `/v1/quorums/${q.quorum}/evidence`), 409, 'not_approved');
    expectProblem(
      await call('GET', `/v1/quorums/${'f'.repeat(64)}/evidence`),
      404,
      'quorum_not_found',
    );
    expectProblem(
      await call('GET', `/v1/quorums/${q.quorum}/evidence`, undefined, { auth: false }),
      401,
      'unauthorized',
    );
    await approve(q, b!);
    const receipt = (await approve(q, a!)).body.receipt;
    const bundle = await call(
      'GET',
      `/v1/quorums/${q.quorum}/evidence?since=${encodeURIComponent(JSON.stringify({ [a!.id]: 1 }))}`,
    );
    expect(bundle.status).toBe(200);
    expect(bundle.body).toMatchObject({
      v: 1,
      receipt,
      action: WIRE,
      quorum: {
        id: q.quorum,
        initiator: q.initiator,
        groups: [{ name: 'Ops', users: [{ id: a!.id }, { id: b!.id }], required: 2 }],
      },
    });
    const claims = decodeJwt(receipt) as any;
    expect(bundle.body.approvals.map((x: any) => x.statement.sub)).toEqual([b!.id, a!.id]);
    for (const [k, x] of bundle.body.approvals.entries()) {
      expect(x.statement).toEqual({
        v: 1,
        iss: BASE,
        aud: 'payments-api',
        sub: claims.apv[k].sub,
        act: q.actionHash,
        dsp: q.dsp,
        nonce: claims.apv[k].nonce,
        qrm: claims.qrm,
      });
      expect(x.log.approved.entry).toMatchObject({
        kind: 'approved',
        jti: claims.jti,
        qrm: claims.qrm,
        cred: claims.apv[k].cred.id,
        at: claims.apv[k].at,
      });
      expect(x.log.enrolled.entry).toMatchObject({ kind: 'enrolled', cred: x.credential.id });
      expect(x.log.checkpoint).toEqual(expect.any(String));
    }
    expect(bundle.body.approvals[1].log.consistency).toEqual({ from: 1, proof: expect.any(Array) });
    expect(bundle.body.approvals[0].log.consistency).toBeUndefined();
    expectProblem(
      await call('GET', `/v1/quorums/${q.quorum}/evidence?since=nope`),
      400,
      'invalid_request',
    );
  });
});
