/**
 * psea/client's quorum methods inside workerd (docs/quorum.md): an agent
 * asks for two approvers, waits with only the statusToken, and is woken by
 * the approval that meets the quorum; the receipt passes its backend's
 * groups. Cancel, and its 409 once closed.
 */
import { createExecutionContext, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import app from '../../worker/index';
import { PseaClient } from '../../packages/psea/src/client/index.ts';
import { verifyReceipt } from '../../packages/psea/src/receipt/verify-receipt';
import { BASE, WIRE, apiKey, assertion, newUserId, verify } from './harness';
import { approvers, jwks } from './quorum-harness';

const serviceFetch = ((input: RequestInfo | URL, init?: RequestInit) =>
  app.fetch(new Request(input, init), env, createExecutionContext())) as typeof fetch;

describe('psea/client quorums', () => {
  it("requestQuorum, waitForQuorum with the statusToken, then verifyReceipt with the backend's groups", async () => {
    const psea = new PseaClient({ baseUrl: BASE, apiKey: apiKey(), fetch: serviceFetch });
    const [a, b] = await approvers(2);
    const agent = newUserId('agent');
    const q = await psea.requestQuorum({
      initiator: agent,
      action: WIRE,
      audience: 'payments-api',
      groups: [{ name: 'Ops', users: [{ id: a!.id }, { id: b!.id }], required: 2 }],
    });
    const waiter = new PseaClient({ baseUrl: BASE, fetch: serviceFetch });
    const waiting = waiter.waitForQuorum(q.quorum, {
      timeoutMs: 15_000,
      statusToken: q.statusToken,
    });
    for (const p of [a!, b!]) {
      const ticket = q.approvers.find((x) => x.user === p.id)!.ticket;
      expect((await verify(ticket, await assertion(ticket, p.auth))).status).toBe(200);
    }
    const done = await waiting;
    expect(done.state).toBe('approved');
    const policy = { groups: [{ users: [a!.id, b!.id], required: 2 }] };
    const ok = await verifyReceipt(done.receipt!, {
      jwks: await jwks(),
      issuer: BASE,
      audience: 'payments-api',
      subject: agent,
      action: WIRE,
      quorum: policy,
    });
    expect(ok.claims.apv.map((x) => x.sub)).toEqual([a!.id, b!.id]);
  });

  it('cancelQuorum, then quorum_closed; an unknown quorum is quorum_not_found', async () => {
    const psea = new PseaClient({ baseUrl: BASE, apiKey: apiKey(), fetch: serviceFetch });
    const [a] = await approvers(1);
    const q = await psea.requestQuorum({
      initiator: newUserId('agent'),
      action: WIRE,
      groups: [{ users: [{ id: a!.id }], required: 1 }],
    });
    await psea.cancelQuorum(q.quorum);
    expect((await psea.quorumStatus(q.quorum)).state).toBe('cancelled');
    await expect(psea.cancelQuorum(q.quorum)).rejects.toMatchObject({
      code: 'quorum_closed',
      status: 409,
    });
    await expect(psea.quorumStatus('f'.repeat(64))).rejects.toMatchObject({
      code: 'quorum_not_found',
      status: 404,
    });
  });
});
