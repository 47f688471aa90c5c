/**
 * One action ticket per approver, issued in the approver's own vault: its
 * statement adds the quorum's `qrm`, its data names the quorum, the group,
 * and the quorum receipt's `jti` that the approver's `approved` entry will
 * carry. An approver with no active credential fails the whole request
 * (409 `not_enrolled`, every such id in `detail`).
 */
import type { Env } from '../env';
import { ProblemError } from '../errors';
import { newTicket, ticketHash } from '../http/ticket';
import { writeVault } from '../vault/object-call';
import { randomId } from '../lib/random-id';
import type { AppliedRule } from '../policy/types';
import type { QuorumRecord } from '../quorum/types';
import { statementChallenge } from '../../packages/psea/src/receipt/statement';
import type { Statement } from '../../packages/psea/src/receipt/types';

export interface ApproverTicket {
  user: string;
  group: number;
  ticket: string;
  approveUrl: string;
}

export async function issueApproverTickets(
  env: Env,
  r: QuorumRecord,
  rule: AppliedRule,
  ttlSeconds: number,
  now: number,
): Promise<ApproverTicket[]> {
  const listed = r.groups.flatMap((g, group) => g.users.map((u) => ({ user: u.id, group })));
  const results = await Promise.allSettled(
    listed.map(async ({ user, group }) => {
      const { ticket: base, vault } = newTicket(env, user);
      const ticket = `${base}.${r.id}`;
      const statement: Statement = {
        v: 1,
        iss: r.iss,
        aud: r.aud,
        sub: user,
        act: r.actionHash,
        dsp: r.dsp,
        nonce: randomId(16),
        qrm: r.qrm,
      };
      const input = {
        hash: await ticketHash(ticket),
        data: {
          userId: user,
          action: r.action,
          display: r.display,
          actionHash: r.actionHash,
          statement,
          rule,
          quorum: { id: r.id, grp: group, jti: r.jti, qrm: r.qrm },
        },
        challenge: await statementChallenge(statement),
        ttlSeconds,
        now,
      };
      await writeVault(env, vault, 'createAction', (v) => v.createAction(input));
      return { user, group, ticket, approveUrl: `${r.iss}/approve/${ticket}` };
    }),
  );
  const missing = listed.filter((_, i) => {
    const res = results[i]!;
    return (
      res.status === 'rejected' &&
      res.reason instanceof ProblemError &&
      res.reason.code === 'not_enrolled'
    );
  });
  if (missing.length)
    throw new ProblemError(
      'not_enrolled',
      `no active credential: ${missing.map((m) => m.user).join(', ')}`,
    );
  const failed = results.find((res) => res.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return results.map((res) => (res as PromiseFulfilledResult<ApproverTicket>).value);
}
