/**
 * A batch's rule (docs/batches.md "Policy"): the rule is chosen for the built
 * action and for each item as if it were an action, and the ticket needs all
 * of them: every requirement, the intersection of their `origins`, and
 * `refuseFormatChars` if any sets it. Offline never: batches are online only.
 */
import { ProblemError } from '../errors';
import type { AppliedRule, Requirement } from './types';

function intersect(lists: (string[] | undefined)[]): string[] | undefined {
  const given = lists.filter((l): l is string[] => l !== undefined);
  if (given.length === 0) return undefined;
  return given.reduce((acc, l) => acc.filter((x) => l.includes(x)));
}

/**
 * Every rule at once. Its id is the distinct rule ids joined by "+", in the
 * order first chosen (the built action's first), so a receipt's `pol` names them all.
 * @throws ProblemError `invalid_request` when no credential or origin could meet them all.
 * @example combineRules([{ id: 'payroll', require: {} }, { id: 'large', require: { deviceBound: true } }]) // id 'payroll+large'
 */
export function combineRules(rules: readonly AppliedRule[]): AppliedRule {
  const byId = new Map<string, AppliedRule>();
  for (const rule of rules) if (!byId.has(rule.id)) byId.set(rule.id, rule);
  const distinct = [...byId.values()];
  if (distinct.length === 1) {
    const { offline: _offline, ...only } = distinct[0]!;
    return only;
  }
  const require: Requirement = {};
  if (distinct.some((r) => r.require.deviceBound)) require.deviceBound = true;
  if (distinct.some((r) => r.require.attested)) require.attested = true;
  const aaguids = intersect(distinct.map((r) => r.require.aaguids));
  if (aaguids) require.aaguids = aaguids;
  const denied = [...new Set(distinct.flatMap((r) => r.require.notAaguids ?? []))];
  if (denied.length > 0) require.notAaguids = denied;
  const ids = distinct.map((r) => r.id).join('+');
  const combined: AppliedRule = { id: ids, require };
  const origins = intersect(distinct.map((r) => r.origins));
  if (origins) combined.origins = origins;
  if (distinct.some((r) => r.refuseFormatChars)) combined.refuseFormatChars = true;
  if (aaguids?.length === 0 || origins?.length === 0) {
    throw new ProblemError(
      'invalid_request',
      `batch: the policy rules it needs (${ids}) admit no common ${origins?.length === 0 ? 'origin' : 'authenticator model'}`,
    );
  }
  return combined;
}
