/**
 * The strictest rule, for actions no rule decides. Requirements are only
 * partly ordered (a device-bound rule and a model allow-list rule are not
 * comparable), so "strictest" is the rule at least as strict as every other
 * when one exists, and otherwise every requirement combined: an unforeseen
 * action must never get the loosest treatment, nor a merely different one.
 */
import type { DisplayRequirement, OfflineOption, PolicyRule, Requirement } from './types';

/** Reserved rule id of the combined requirement; receipts show it in `pol`. */
export const STRICTEST_ID = 'strictest';

/** True when every credential that meets `a` also meets `b`. */
function atLeastAsStrict(a: Requirement, b: Requirement): boolean {
  if (b.deviceBound && !a.deviceBound) return false;
  if (b.attested && !a.attested) return false;
  if (b.aaguids && !(a.aaguids && a.aaguids.every((m) => b.aaguids!.includes(m)))) return false;
  return true;
}

/** True when `a` narrows what the person sees and where they approve at least as much as `b`. */
function displayAtLeastAsStrict(
  a: DisplayRequirement & OfflineOption,
  b: DisplayRequirement & OfflineOption,
): boolean {
  if (b.refuseFormatChars && !a.refuseFormatChars) return false;
  if (b.origins && !(a.origins && a.origins.every((o) => b.origins!.includes(o)))) return false;
  // Allowing offline approvals is looser than not: the action is then chosen on a device.
  if (a.offline && !b.offline) return false;
  return true;
}

const stricter = (a: PolicyRule, b: PolicyRule): boolean =>
  atLeastAsStrict(a.require, b.require) && displayAtLeastAsStrict(a, b);

/**
 * The first rule at least as strict as all others, else the combination of
 * all of them (`aaguids` and `origins` intersected; an empty intersection is
 * left for the caller to refuse).
 */
export function findStrictest(rules: readonly PolicyRule[]): PolicyRule {
  const top = rules.find((a) => rules.every((b) => stricter(a, b)));
  if (top) {
    const { match: _match, ...rule } = top;
    return rule;
  }
  const require: Requirement = {};
  if (rules.some((r) => r.require.deviceBound)) require.deviceBound = true;
  if (rules.some((r) => r.require.attested)) require.attested = true;
  const lists = rules.map((r) => r.require.aaguids).filter((l): l is string[] => l !== undefined);
  if (lists.length > 0)
    require.aaguids = lists.reduce((acc, l) => acc.filter((m) => l.includes(m)));
  const combined: PolicyRule = { id: STRICTEST_ID, require };
  const origins = rules.map((r) => r.origins).filter((l): l is string[] => l !== undefined);
  if (origins.length > 0)
    combined.origins = origins.reduce((acc, l) => acc.filter((o) => l.includes(o)));
  if (rules.some((r) => r.refuseFormatChars)) combined.refuseFormatChars = true;
  if (rules.every((r) => r.offline)) combined.offline = true;
  return combined;
}
