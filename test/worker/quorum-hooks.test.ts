/**
 * Telling the initiator (docs/quorum.md): the quorum.* webhooks to the
 * quorum's callbackUrl, signed and retried as action webhooks, never with
 * an approver ticket in them; and the long poll of GET /v1/quorums/:id.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { call } from './harness';
import { approve, approvers, createQuorum, quorumObject, quorumStatus } from './quorum-harness';
import { receiver, verified, type Sent } from './webhook-receiver';

let restore: (() => void) | undefined;
let n = 0;
afterEach(() => restore?.());

function listen(answers: (number | 'throw')[] = []) {
  const url = `https://hooks.example.test/quorum?n=${++n}`;
  const r = receiver(answers, url);
  restore = r.restore;
  return { url, sent: r.sent };
}

const until = (sent: Sent[], count: number) =>
  vi.waitFor(() => expect(sent.length).toBeGreaterThanOrEqual(count), { timeout: 5_000 });

describe('quorum webhooks', () => {
  it('quorum.approved carries the receipt and the reference, signed, never a ticket', async () => {
    const { url, sent } = listen();
    const [a, b] = await approvers(2);
    const q = await createQuorum([{ users: [a!, b!], required: 2 }], {
      callbackUrl: url,
      reference: 'chg-9',
    });
    await approve(q, a!);
    const receipt = (await approve(q, b!)).body.receipt;
    await until(sent, 1);
    expect(verified(sent[0]!)).toEqual({
      type: 'quorum.approved',
      quorum: q.quorum,
      actionHash: q.actionHash,
      reference: 'chg-9',
      receipt,
      at: expect.any(Number),
    });
    const everything = JSON.stringify(sent);
    for (const t of q.approvers) expect(everything).not.toContain(t.ticket.split('.')[1]);
    expect(everything).not.toContain(q.statusToken);
  });

  it('quorum.cancelled, quorum.burned and quorum.expired (told by the alarm whether anyone looks or not)', async () => {
    const { url, sent } = listen();
    const [a, b] = await approvers(2);
    const cancelled = await createQuorum([{ users: [a!], required: 1 }], { callbackUrl: url });
    await call('DELETE', `/v1/quorums/${cancelled.quorum}`);
    await until(sent, 1);
    expect(verified(sent[0]!)).toMatchObject({
      type: 'quorum.cancelled',
      quorum: cancelled.quorum,
    });

    const expiring = await createQuorum([{ users: [b!], required: 1 }], {
      callbackUrl: url,
      ttl: 60,
    });
    await quorumObject(expiring.quorum).tick(Date.parse(expiring.expiresAt) + 6_000);
    await until(sent, 2);
    expect(verified(sent[1]!)).toMatchObject({
      type: 'quorum.expired',
      quorum: expiring.quorum,
      actionHash: expiring.actionHash,
    });
    expect(verified(sent[1]!).receipt).toBeUndefined();

    const burning = await createQuorum([{ users: [a!], required: 1 }], { callbackUrl: url });
    await quorumObject(burning.quorum).approverBurned(a!.id, Date.now());
    await until(sent, 3);
    expect(verified(sent[2]!)).toMatchObject({ type: 'quorum.burned', quorum: burning.quorum });
  });

  it('a failing receiver is retried under the same id', async () => {
    const { url, sent } = listen([500]);
    const [a] = await approvers(1);
    const q = await createQuorum([{ users: [a!], required: 1 }], { callbackUrl: url });
    await call('DELETE', `/v1/quorums/${q.quorum}`);
    await until(sent, 1);
    const stub = quorumObject(q.quorum);
    await vi.waitFor(async () =>
      expect(
        await runInDurableObject(stub, (_o, s) =>
          s.storage.sql.exec<{ attempts: number }>('SELECT attempts FROM deliveries').toArray(),
        ),
      ).toEqual([{ attempts: 1 }]),
    );
    await runInDurableObject(
      stub,
      (_o, s) => void s.storage.sql.exec('UPDATE deliveries SET next_at = 0'),
    );
    await runDurableObjectAlarm(stub);
    await until(sent, 2);
    expect(sent[1]!.headers['webhook-id']).toBe(sent[0]!.headers['webhook-id']);
  });
});

describe('GET /v1/quorums/:id?wait=S', () => {
  it('answers as soon as the quorum closes, or pending after S seconds', async () => {
    const [a] = await approvers(1);
    const q = await createQuorum([{ users: [a!], required: 1 }]);
    const started = Date.now();
    const timedOut = await quorumStatus(q, '?wait=1', q.statusToken);
    expect(timedOut.body.state).toBe('pending');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const waiting = quorumStatus(q, '?wait=20', q.statusToken);
    await new Promise((r) => setTimeout(r, 100));
    const approved = await approve(q, a!);
    const answer = await waiting;
    expect(answer.body).toMatchObject({ state: 'approved', receipt: approved.body.receipt });
  });
});
