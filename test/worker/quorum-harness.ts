/** Shared steps for the quorum tests (docs/quorum.md): enrolled approvers, a quorum, approvals. */
import { env } from 'cloudflare:test';
import type { SoftAuthenticator } from '../support/soft-authenticator';
import { assertion, call, enroll, newUserId, verify, WIRE, type Reply } from './harness';

export interface Approver {
  id: string;
  auth: SoftAuthenticator;
}

/** `n` enrolled users, each with a soft authenticator. */
export async function approvers(n: number, label = 'a'): Promise<Approver[]> {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const id = newUserId(label);
      const { auth } = await enroll(id);
      return { id, auth };
    }),
  );
}

export interface Created {
  quorum: string;
  actionHash: string;
  dsp: string;
  expiresAt: string;
  statusToken: string;
  approvers: { user: string; group: number; ticket: string; approveUrl: string }[];
}

export function postQuorum(body: Record<string, unknown>): Promise<Reply> {
  return call('POST', '/v1/quorums', { action: WIRE, audience: 'payments-api', ...body });
}

/** A quorum of groups of the given approvers (`required` each), asked by `initiator`. */
export async function createQuorum(
  groups: { users: Approver[]; required: number; name?: string }[],
  extra: Record<string, unknown> = {},
  initiator = newUserId('init'),
): Promise<Created & { initiator: string }> {
  const r = await postQuorum({
    initiator,
    groups: groups.map((g) => ({
      ...(g.name ? { name: g.name } : {}),
      users: g.users.map((u) => ({ id: u.id })),
      required: g.required,
    })),
    ...extra,
  });
  if (r.status !== 201) throw new Error(`quorum: ${r.status} ${JSON.stringify(r.body)}`);
  return { ...(r.body as Created), initiator };
}

export const ticketOf = (q: Created, a: Approver): string =>
  q.approvers.find((x) => x.user === a.id)!.ticket;

/** One approver approves on their ticket. */
export async function approve(q: Created, a: Approver): Promise<Reply> {
  const ticket = ticketOf(q, a);
  return verify(ticket, await assertion(ticket, a.auth));
}

export function quorumStatus(q: Created, query = '', auth?: string): Promise<Reply> {
  return call('GET', `/v1/quorums/${q.quorum}${query}`, undefined, auth ? { auth } : {});
}

export const quorumObject = (id: string) => env.QUORUMS.get(env.QUORUMS.idFromString(id));

export async function jwks() {
  return (await call('GET', '/.well-known/jwks.json', undefined, { auth: false })).body;
}
