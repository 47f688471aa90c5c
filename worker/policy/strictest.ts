/**
 * The strictest rule, for actions no rule decides. Requirements are only
 * partly ordered (a device-bound rule and a model allow-list rule are not
 * comparable), so "strictest" is the rule at least as strict as every other
 * when one exists, and otherwise every requirement combined: an unforeseen
 * action must never get the loosest treatment, nor a merely different one.
 */
import type { PolicyRule, Requirement } from './types';

/** Reserved rule id of the combined requirement; receipts show it in `pol`. */
export const STRICTEST_ID = 'strictest';

/** True when every credential that meets `a` also meets `b`. */
export function atLeastAsStrict(a: Requirement, b: Requirement): boolean {
  if (b.deviceBound && !a.deviceBound) return false;
  if (b.attested && !a.attested) return false;
  if (b.aaguids && !(a.aaguids && a.aaguids.every((m) => b.aaguids!.includes(m)))) return false;
  return true;
}

/**
 * The first rule at least as strict as all others, else the combination of
 * all of them (`aaguids` intersected; an empty intersection is left for the
 * caller to refuse).
 */
export function findStrictest(rules: readonly PolicyRule[]): PolicyRule {
  const top = rules.find((a) => rules.every((b) => atLeastAsStrict(a.require, b.require)));
  if (top) return { id: top.id, require: top.require };
  const require: Requirement = {};
  if (rules.some((r) => r.require.deviceBound)) require.deviceBound = true;
  if (rules.some((r) => r.require.attested)) require.attested = true;
  const lists = rules.map((r) => r.require.aaguids).filter((l): l is string[] => l !== undefined);
  if (lists.length > 0) require.aaguids = lists.reduce((acc, l) => acc.filter((m) => l.includes(m)));
  return { id: STRICTEST_ID, require };
}
