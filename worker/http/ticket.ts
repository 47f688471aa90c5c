import type { Context } from 'hono';
import type { AppEnv, Env } from '../env';
import { ProblemError } from '../errors';
import { randomId } from '../lib/random-id';
import { readVault } from '../vault/object-call';
import { sha256B64url } from '../../packages/psea/src/internal/sha256-b64url';

/**
 * A ticket is `<vault id>.<32 random bytes>`: the first half routes to the
 * user's Durable Object without naming the user, the second is the secret.
 * Vaults store only its SHA-256, so a storage leak yields no usable ticket.
 * An approver's ticket of a quorum adds `.<quorum id>`, so routes reach the quorum first.
 */
const TICKET = /^[0-9a-f]{64}\.[A-Za-z0-9_-]{43}(?:\.([0-9a-f]{64}))?$/;

export function ticketHash(ticket: string): Promise<string> {
  return sha256B64url(ticket);
}

export function newTicket(
  env: Env,
  userId: string,
): { ticket: string; vault: DurableObjectStub<import('../vault/user-vault').UserVault> } {
  const id = env.VAULT.idFromName(userId);
  return { ticket: `${id.toString()}.${randomId(32)}`, vault: env.VAULT.get(id) };
}

/** Route a ticket to its vault; anything malformed is simply not found. */
export async function openTicket(env: Env, ticket: string) {
  if (ticket.length > 512 || !TICKET.test(ticket)) throw new ProblemError('ticket_not_found');
  let id: DurableObjectId;
  try {
    id = env.VAULT.idFromString(ticket.slice(0, 64));
  } catch {
    throw new ProblemError('ticket_not_found');
  }
  // v3: an approver's ticket of a quorum ends with `.<quorum id>` (docs/quorum.md).
  const quorumId = TICKET.exec(ticket)?.[1];
  return {
    vault: env.VAULT.get(id),
    hash: await ticketHash(ticket),
    ...(quorumId ? { quorumId } : {}),
  };
}

export function userVault(env: Env, userId: string) {
  return env.VAULT.get(env.VAULT.idFromName(userId));
}

/**
 * For a body that fails validation on a ticket route: a ticket that cannot be
 * used answers first (404, 409, 410 or 429), as it would with any body; only a
 * usable ticket gets the 400, which does not count against it. On an
 * enrollment ticket, `step` says which post: one that holds a credential
 * takes no registration (409), one that holds none has nothing to approve (404).
 */
export function refuseUnusableTicket(kind: 'action' | 'enroll', step?: 'register' | 'approve') {
  return async (c: Context<AppEnv>): Promise<void> => {
    const { vault, hash } = await openTicket(c.env, c.req.param('ticket') ?? '');
    const now = Date.now();
    await readVault(c.env, vault, 'ticketUsable', (v) => v.ticketUsable(hash, kind, now, step));
  };
}
