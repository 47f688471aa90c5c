/**
 * The action routes' part for an approver's ticket of a quorum (its ticket
 * ends with `.<quorum id>`; docs/quorum.md). The quorum's state is read
 * first: on a closed quorum a verify is 409 `quorum_closed`, before any
 * ticket check, counting no attempt and consuming nothing.
 */
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { Context } from 'hono';
import type { AppEnv, Env } from '../env';
import { openTicket } from '../http/ticket';
import { ProblemError } from '../errors';
import { readVault, writeVault } from '../vault/object-call';
import type { UserVault } from '../vault/user-vault';
import { quorumStub, readQuorum } from './quorum-calls';

type Vault = DurableObjectStub<UserVault>;

/** `GET /v1/actions/:ticket` adds `quorum` for an approver's ticket: who asked, each group, who approved. */
export async function withQuorum<T>(
  env: Env,
  quorumId: string | undefined,
  details: T,
  now: number,
): Promise<T> {
  if (quorumId === undefined) return details;
  const quorum = await readQuorum(env, quorumStub(env, quorumId), 'describe', (q) =>
    q.describe(now),
  );
  return { ...(details as object), quorum } as T;
}

export interface ApproverPost {
  hash: string;
  quorumId: string;
  response: AuthenticationResponseJSON;
  accepted: string;
  posted: string;
  now: number;
}

/** An approver's verify: the quorum's state first, then the vault's ceremony and hand-off. */
export async function verifyApproverTicket(env: Env, vault: Vault, p: ApproverPost) {
  const { state } = await readQuorum(env, quorumStub(env, p.quorumId), 'state', (q) =>
    q.state(p.now),
  );
  // Closed: nothing is consumed; a byte-identical retry of this ticket's accepted post is still told its answer.
  if (state !== 'pending')
    return readVault(env, vault, 'approverClosed', (v) =>
      v.approverClosed(p.hash, p.accepted, state),
    );
  return writeVault(env, vault, 'verifyApprover', (v) => v.verifyApprover(p));
}

/** A verify's body that fails validation: on an approver's ticket of a closed quorum, 409 `quorum_closed` first, as for any body. */
export function quorumFirst(then: (c: Context<AppEnv>) => Promise<void>) {
  return async (c: Context<AppEnv>): Promise<void> => {
    const { quorumId } = await openTicket(c.env, c.req.param('ticket') ?? '');
    if (quorumId !== undefined) {
      const now = Date.now();
      const { state } = await readQuorum(c.env, quorumStub(c.env, quorumId), 'state', (q) =>
        q.state(now),
      );
      if (state !== 'pending') throw new ProblemError('quorum_closed', `the quorum is ${state}`);
    }
    await then(c);
  };
}
