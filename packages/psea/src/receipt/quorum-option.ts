/**
 * verifyReceipt's `quorum` option: the groups a backend itself requires, and
 * the judgement of a quorum receipt against them (docs/quorum.md). The
 * receipt's own description of its groups is never what is judged: a
 * quorum requested with weaker groups than the backend's policy fails here.
 */
import { ReceiptError } from './errors.ts';
import { badOptions as bad } from './token-options.ts';
import type { QuorumOption, QuorumReceiptClaims } from './quorum-types.ts';

/** The caller's groups, copied and checked: non-empty, disjoint, never the subject, 1 ≤ required ≤ users. */
export function checkQuorumOption(value: unknown, subject: string): QuorumOption {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw bad('quorum must be { groups: [ { users, required } ] }');
  const groups = (value as { groups?: unknown }).groups;
  if (!Array.isArray(groups) || groups.length === 0)
    throw bad('quorum.groups must be a non-empty array');
  const seen = new Set<string>();
  const out: QuorumOption['groups'] = [];
  for (const g of groups as unknown[]) {
    const { users, required } = (typeof g === 'object' && g !== null ? g : {}) as {
      users?: unknown;
      required?: unknown;
    };
    if (
      !Array.isArray(users) ||
      users.length === 0 ||
      !users.every((u) => typeof u === 'string' && u !== '')
    ) {
      throw bad('quorum.groups[].users must be a non-empty array of user ids');
    }
    if (
      typeof required !== 'number' ||
      !Number.isInteger(required) ||
      required < 1 ||
      required > users.length
    ) {
      throw bad('quorum.groups[].required must be an integer from 1 to the number of users');
    }
    for (const u of users as string[]) {
      if (u === subject)
        throw bad('quorum groups must not list the subject (the initiator never approves)');
      if (seen.has(u)) throw bad(`quorum groups must be disjoint ("${u}" is listed twice)`);
      seen.add(u);
    }
    out.push({ users: [...(users as string[])], required });
  }
  return { groups: out };
}

const unmet = (why: string) => new ReceiptError('quorum_unmet', why);

/**
 * Judge the recorded approvals against the caller's groups: distinct users
 * and credentials, none the subject, `grp` ignored, and every group met.
 * `qrmOk`: whether `qrm` is the hash of the claims' `quorum`.
 */
export function judgeQuorum(
  claims: QuorumReceiptClaims,
  subject: string,
  option: QuorumOption,
  qrmOk: boolean,
): void {
  if (!qrmOk) throw unmet('receipt qrm is not the hash of its quorum claim');
  if (claims.quorum.initiator !== claims.sub)
    throw unmet('receipt quorum.initiator is not its sub');
  const users = new Set<string>();
  const creds = new Set<string>();
  for (const a of claims.apv) {
    if (a.sub === subject) throw unmet('the initiator is among the approvals');
    if (users.has(a.sub)) throw unmet('one user is counted twice');
    if (creds.has(a.cred.id)) throw unmet('one credential is counted twice');
    users.add(a.sub);
    creds.add(a.cred.id);
  }
  option.groups.forEach((g, i) => {
    const count = g.users.filter((u) => users.has(u)).length;
    if (count < g.required)
      throw unmet(`group ${i} has ${count} of the ${g.required} approvals it requires`);
  });
}
