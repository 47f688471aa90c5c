/**
 * The quorum's decisions, pure: whether its recorded approvals meet every
 * group, whether a group can no longer be met, and the answers that show
 * where it stands. Each user is listed in one group only (POST /v1/quorums).
 */
import type { QuorumGroup } from '../../packages/psea/src/receipt/quorum-types';
import type { RecordedApproval } from './quorum-store';
import type { QuorumRecord, QuorumState, QuorumStatus, QuorumSummary, QuorumView } from './types';

const approvedIn = (g: QuorumGroup, users: Set<string>) => g.users.filter((u) => users.has(u.id));

/** Every group has at least `required` of its users among the approvals. */
export function isMet(groups: QuorumGroup[], approvals: RecordedApproval[]): boolean {
  const users = new Set(approvals.map((a) => a.user));
  return groups.every((g) => approvedIn(g, users).length >= g.required);
}

/** Some group can no longer reach `required`: its approvals plus its users still able to approve fall short. */
export function isUnreachable(
  groups: QuorumGroup[],
  approvals: RecordedApproval[],
  removed: Set<string>,
): boolean {
  const users = new Set(approvals.map((a) => a.user));
  return groups.some(
    (g) => g.users.filter((u) => users.has(u.id) || !removed.has(u.id)).length < g.required,
  );
}

/** The group a user is listed in, or -1. */
export function groupOf(groups: QuorumGroup[], user: string): number {
  return groups.findIndex((g) => g.users.some((u) => u.id === user));
}

const approvedIds = (g: QuorumGroup, approvals: RecordedApproval[]) => {
  const members = new Set(g.users.map((u) => u.id));
  return approvals.filter((a) => members.has(a.user)).map((a) => a.user);
};

export function summary(
  r: QuorumRecord,
  state: QuorumState,
  approvals: RecordedApproval[],
): QuorumSummary {
  return {
    id: r.id,
    state,
    groups: r.groups.map((g) => ({ required: g.required, approved: approvedIds(g, approvals) })),
  };
}

export function view(
  r: QuorumRecord,
  state: QuorumState,
  approvals: RecordedApproval[],
): QuorumView {
  return {
    id: r.id,
    initiator: r.initiator,
    state,
    groups: r.groups.map((g) => ({
      ...(g.name === undefined ? {} : { name: g.name }),
      required: g.required,
      users: g.users,
      approved: approvedIds(g, approvals),
    })),
  };
}

export function status(
  r: QuorumRecord,
  state: QuorumState,
  approvals: RecordedApproval[],
  receipt: string | null,
): QuorumStatus {
  const groups = r.groups.map((g) => {
    const members = new Set(g.users.map((u) => u.id));
    const approved = approvals
      .filter((a) => members.has(a.user))
      .map((a) => ({ user: a.user, at: a.apv.at }));
    return { ...(g.name === undefined ? {} : { name: g.name }), required: g.required, approved };
  });
  return {
    state,
    ...(r.reference === undefined ? {} : { reference: r.reference }),
    groups,
    ...(receipt ? { receipt } : {}),
  };
}
