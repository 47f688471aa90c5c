/**
 * Exactly once, whatever the timing (docs/quorum.md "Who decides"): many
 * approvers at the same moment, one approver twice, a hand-off that fails
 * and is retried by the vault's alarm, and burn, cancel and expiry racing a
 * final approval. One receipt, `apv` the approvals counted, never more.
 */
import { describe, expect, it } from 'vitest';
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { decodeJwt } from 'jose';
import { assertion, call, details, expectProblem, ticketRow, vaultRows, verify } from './harness';
import {
  approve,
  approvers,
  createQuorum,
  quorumObject,
  quorumStatus,
  ticketOf,
  type Approver,
  type Created,
} from './quorum-harness';

const vaultOf = (userId: string) => env.VAULT.get(env.VAULT.idFromName(userId));
const handoffsOf = (userId: string) =>
  vaultRows<{ kind: string; attempts: number }>(
    userId,
    'SELECT kind, attempts FROM quorum_handoffs',
  );
const approvedEntries = async (userId: string) =>
  (await vaultRows<{ entry: string }>(userId, 'SELECT entry FROM log_entries'))
    .map((r) => JSON.parse(r.entry))
    .filter((e) => e.kind === 'approved');

/** Make the quorum's object refuse its next `n` hand-offs, as a failed call. */
async function refuseHandoffs(id: string, n: number): Promise<void> {
  const stub: DurableObjectStub = quorumObject(id);
  await runInDurableObject(
    stub,
    (obj) => void ((obj as unknown as { refuseHandoffs: number }).refuseHandoffs = n),
  );
}

/** Run the vault's alarm with every hand-off due now. */
async function retryNow(userId: string): Promise<void> {
  await runInDurableObject(
    vaultOf(userId),
    (_v, state) => void state.storage.sql.exec('UPDATE quorum_handoffs SET next_at = 0'),
  );
  await runDurableObjectAlarm(vaultOf(userId));
}

async function burn(q: Created, a: Approver): Promise<void> {
  const ticket = ticketOf(q, a);
  for (let i = 0; i < 5; i++)
    expect(
      (await verify(ticket, await assertion(ticket, a.auth, { signature: 'flip' }))).status,
    ).toBe(422);
}

describe('many approvers at once', () => {
  it('over many rounds: one receipt, made by the one approval that met the quorum; apv is exactly the approvals answered 200', async () => {
    for (let round = 0; round < 4; round++) {
      const people = await approvers(8, `r${round}`);
      const q = await createQuorum([
        { users: people.slice(0, 5), required: 3 },
        { users: people.slice(5), required: 2 },
      ]);
      const tickets = await Promise.all(
        people.map(async (p) => ({ p, body: await assertion(ticketOf(q, p), p.auth) })),
      );
      const replies = await Promise.all(tickets.map(({ p, body }) => verify(ticketOf(q, p), body)));
      const ok = replies.filter((r) => r.status === 200);
      const receipts = ok.filter((r) => r.body.receipt);
      expect(receipts).toHaveLength(1);
      for (const r of replies.filter((x) => x.status !== 200))
        expectProblem(r, 409, 'quorum_closed');
      const claims = decodeJwt(receipts[0]!.body.receipt) as any;
      const counted = people
        .filter((_, i) => replies[i]!.status === 200)
        .map((p) => p.id)
        .sort();
      expect(claims.apv.map((a: any) => a.sub).sort()).toEqual(counted);
      const status = await quorumStatus(q);
      expect(status.body.receipt).toBe(receipts[0]!.body.receipt);
      expect(
        status.body.groups.flatMap((g: any) => g.approved.map((x: any) => x.user)).sort(),
      ).toEqual(counted);
      // Every approver that committed has its approved entry with the quorum's jti and qrm, counted or not.
      for (const p of people) {
        const entries = await approvedEntries(p.id);
        if ((await ticketRow(p.id, ticketOf(q, p))).state === 'consumed')
          expect(entries).toEqual([expect.objectContaining({ jti: claims.jti, qrm: claims.qrm })]);
        else expect(entries).toEqual([]);
      }
    }
  });

  it('one approver posting twice (the same body, and a second assertion) is one approval', async () => {
    const [a, b] = await approvers(2);
    const q = await createQuorum([{ users: [a!, b!], required: 2 }]);
    const ticket = ticketOf(q, a!);
    const body = await assertion(ticket, a!.auth);
    const other = await assertion(ticket, a!.auth);
    const replies = await Promise.all([
      verify(ticket, body),
      verify(ticket, body),
      verify(ticket, other),
    ]);
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of replies.filter((x) => x.status !== 200)) expectProblem(r, 409, 'ticket_used');
    // A byte-identical retry of the accepted post is told its answer.
    const winner = replies.findIndex((r) => r.status === 200);
    const again = await verify(ticket, winner === 2 ? other : body);
    expectProblem(again, 409, 'ticket_used');
    expect(again.body.quorum).toEqual(replies[winner]!.body.quorum);
    const status = await quorumStatus(q);
    expect(status.body.groups[0].approved.map((x: any) => x.user)).toEqual([a!.id]);
    const last = await approve(q, b!);
    expect(decodeJwt(last.body.receipt).apv).toHaveLength(2);
  });
});

describe('the hand-off to the quorum', () => {
  it('fails once: the verify is 503, the alarm hands it over, it counts once; a retry of the post is told the receipt', async () => {
    const [a, b] = await approvers(2);
    const q = await createQuorum([{ users: [a!, b!], required: 1 }]);
    await refuseHandoffs(q.quorum, 1);
    const ticket = ticketOf(q, a!);
    const body = await assertion(ticket, a!.auth);
    const first = await verify(ticket, body);
    expectProblem(first, 503, 'unavailable');
    expect(first.headers.get('retry-after')).toBe('1');
    // Committed in the vault, owed to the quorum; the quorum has not counted it.
    expect((await ticketRow(a!.id, ticket)).state).toBe('consumed');
    expect(await handoffsOf(a!.id)).toEqual([{ kind: 'approve', attempts: 1 }]);
    expect((await quorumStatus(q)).body.state).toBe('pending');
    await retryNow(a!.id);
    expect(await handoffsOf(a!.id)).toEqual([]);
    const status = await quorumStatus(q);
    expect(status.body.state).toBe('approved');
    expect(decodeJwt(status.body.receipt).apv).toEqual([expect.objectContaining({ sub: a!.id })]);
    // A retry of the post, the quorum now closed: told its first answer, the receipt included.
    const retried = await verify(ticket, body);
    expectProblem(retried, 409, 'ticket_used');
    expect(retried.body.receipt).toBe(status.body.receipt);
    // The other approver's ticket, on a quorum now closed: nothing consumed, no attempt counted.
    expectProblem(await approve(q, b!), 409, 'quorum_closed');
    expect(await ticketRow(b!.id, ticketOf(q, b!))).toMatchObject({
      state: 'pending',
      failures: 0,
    });
  });

  it('a retry of the post while the hand-off is still owed hands it over there and then', async () => {
    const [a, b] = await approvers(2);
    const q = await createQuorum([{ users: [a!, b!], required: 2 }]);
    await refuseHandoffs(q.quorum, 1);
    const ticket = ticketOf(q, a!);
    const body = await assertion(ticket, a!.auth);
    expectProblem(await verify(ticket, body), 503, 'unavailable');
    const retried = await verify(ticket, body);
    expectProblem(retried, 409, 'ticket_used');
    expect(retried.body.quorum.groups[0].approved).toEqual([a!.id]);
    // The alarm finds nothing left; a hand-off that came twice counted once.
    await runDurableObjectAlarm(vaultOf(a!.id));
    const done = await approve(q, b!);
    expect((decodeJwt(done.body.receipt) as any).apv.map((x: any) => x.sub)).toEqual([
      a!.id,
      b!.id,
    ]);
  });
});

describe('closing races', () => {
  it('a burned approver is removed; the quorum burns when a group can no longer be met', async () => {
    const [a, b, c] = await approvers(3);
    const q = await createQuorum([{ users: [a!, b!, c!], required: 2 }]);
    const late = await assertion(ticketOf(q, a!), a!.auth);
    await burn(q, a!);
    // Open: the burned ticket is 429, the others can still meet it.
    await expect.poll(async () => (await quorumStatus(q)).body.state).toBe('pending');
    expectProblem(await verify(ticketOf(q, a!), late), 429, 'rate_limited');
    await burn(q, b!);
    await expect.poll(async () => (await quorumStatus(q)).body.state).toBe('burned');
    expectProblem(await approve(q, c!), 409, 'quorum_closed');
    expect(await ticketRow(c!.id, ticketOf(q, c!))).toMatchObject({
      state: 'pending',
      failures: 0,
    });
  });

  it('cancel: 204, then every approver ticket is 409 quorum_closed, and a second cancel too', async () => {
    const [a] = await approvers(1);
    const q = await createQuorum([{ users: [a!], required: 1 }]);
    expect((await call('DELETE', `/v1/quorums/${q.quorum}`)).status).toBe(204);
    expectProblem(await approve(q, a!), 409, 'quorum_closed');
    expectProblem(await call('DELETE', `/v1/quorums/${q.quorum}`), 409, 'quorum_closed');
    // A body that fails validation is told the same first (as a burned ticket's 429 comes before its 400).
    expectProblem(await verify(ticketOf(q, a!), { not: 'an assertion' }), 409, 'quorum_closed');
    expect((await quorumStatus(q)).body).toMatchObject({ state: 'cancelled' });
    expect((await details(ticketOf(q, a!))).body.quorum.state).toBe('cancelled');
  });

  it('cancel against the final approval: exactly one of them wins', async () => {
    for (let round = 0; round < 4; round++) {
      const [a] = await approvers(1);
      const q = await createQuorum([{ users: [a!], required: 1 }]);
      const body = await assertion(ticketOf(q, a!), a!.auth);
      const [cancelled, approved] = await Promise.all([
        call('DELETE', `/v1/quorums/${q.quorum}`),
        verify(ticketOf(q, a!), body),
      ]);
      const state = (await quorumStatus(q)).body.state;
      if (cancelled.status === 204) {
        expect(state).toBe('cancelled');
        expectProblem(approved, 409, 'quorum_closed');
      } else {
        expectProblem(cancelled, 409, 'quorum_closed');
        expect(state).toBe('approved');
        expect(approved.body.receipt).toEqual(expect.any(String));
      }
    }
  });

  it('a burn against another approval: the quorum burns, never approves, and the approval is counted or told closed', async () => {
    for (let round = 0; round < 3; round++) {
      const [a, b] = await approvers(2);
      const q = await createQuorum([
        { users: [a!], required: 1 },
        { users: [b!], required: 1 },
      ]);
      const ticket = ticketOf(q, a!);
      for (let i = 0; i < 4; i++)
        await verify(ticket, await assertion(ticket, a!.auth, { signature: 'flip' }));
      const fifthBody = await assertion(ticket, a!.auth, { signature: 'flip' });
      const otherBody = await assertion(ticketOf(q, b!), b!.auth);
      const [fifth, other] = await Promise.all([
        verify(ticket, fifthBody),
        verify(ticketOf(q, b!), otherBody),
      ]);
      expectProblem(fifth, 422, 'signature_invalid');
      if (other.status === 200) expect(other.body.quorum.state).toBe('pending');
      else expectProblem(other, 409, 'quorum_closed');
      await expect.poll(async () => (await quorumStatus(q)).body.state).toBe('burned');
      expect((await quorumStatus(q)).body.receipt).toBeUndefined();
    }
  });

  it('expiry: told by the quorum at its expiry (and grace); an approval handed over after it is logged, not counted', async () => {
    const [a, b] = await approvers(2);
    const q = await createQuorum([{ users: [a!, b!], required: 2 }], { ttl: 60 });
    expect((await approve(q, b!)).status).toBe(200);
    // a's approval commits, its hand-off fails; then the quorum expires before the retry.
    await refuseHandoffs(q.quorum, 1);
    const ticket = ticketOf(q, a!);
    const body = await assertion(ticket, a!.auth);
    expectProblem(await verify(ticket, body), 503, 'unavailable');
    await quorumObject(q.quorum).tick(Date.parse(q.expiresAt) + 6_000);
    expect((await quorumStatus(q)).body.state).toBe('expired');
    await retryNow(a!.id);
    expect(await handoffsOf(a!.id)).toEqual([]);
    const status = await quorumStatus(q);
    expect(status.body).toMatchObject({
      state: 'expired',
      groups: [{ approved: [{ user: b!.id }] }],
    });
    expect(status.body.receipt).toBeUndefined();
    expect(await approvedEntries(a!.id)).toHaveLength(1);
    expectProblem(await verify(ticket, body), 409, 'quorum_closed');
  });
});
