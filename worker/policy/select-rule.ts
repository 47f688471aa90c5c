/**
 * Choose the rule for an action when its ticket is created. The choice and
 * the requirement it implies are frozen into the ticket, so a policy change
 * (or a metadata update) never changes what a pending approval needs.
 */
import type { AppliedRule, Policy, PolicyRule, Requirement, RuleMatch } from './types';

type Action = Record<string, unknown> & { type: string };
type Verdict = 'match' | 'no' | 'undecidable';

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** A number, a plain decimal string ("1250.00"), or undefined when it is neither. */
function numeric(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && DECIMAL.test(value.trim())) return Number(value);
  return undefined;
}

function typeMatches(pattern: string, type: string): boolean {
  return pattern.endsWith('*') ? type.startsWith(pattern.slice(0, -1)) : pattern === type;
}

const COMPARISONS = {
  gt: (a: number, b: number) => a > b,
  gte: (a: number, b: number) => a >= b,
  lt: (a: number, b: number) => a < b,
  lte: (a: number, b: number) => a <= b,
} as const;

/**
 * Whether a rule's conditions hold for an action. A threshold on a field
 * that is missing or not a plain number cannot be decided ("20,000.00",
 * "1e5", an object): that is `undecidable`, never a quiet "no", because a
 * "no" could hand a large transfer the loose default rule.
 */
function evaluateMatch(match: RuleMatch | undefined, action: Action): Verdict {
  if (!match) return 'match';
  if (match.type !== undefined) {
    const patterns = Array.isArray(match.type) ? match.type : [match.type];
    if (!patterns.some((p) => typeMatches(p, action.type))) return 'no';
  }
  let verdict: Verdict = 'match';
  for (const op of Object.keys(COMPARISONS) as (keyof typeof COMPARISONS)[]) {
    for (const [field, bound] of Object.entries(match[op] ?? {})) {
      const value = numeric(Object.hasOwn(action, field) ? action[field] : undefined);
      if (value === undefined) return 'undecidable';
      if (!COMPARISONS[op](value, bound)) verdict = 'no';
    }
  }
  return verdict;
}

/**
 * A rule's requirement tightened by the policy-wide constraints, so that a
 * credential enrolled before the policy narrowed cannot approve under it:
 * no synced passkeys when `allowSynced` is false, only allowed models, never
 * denied or compromised ones.
 */
export function effectiveRequirement(policy: Policy, req: Requirement): Requirement {
  const out: Requirement = {};
  if (req.deviceBound || !policy.allowSynced) out.deviceBound = true;
  if (req.attested) out.attested = true;
  const allowed = req.aaguids ?? policy.aaguidAllow;
  if (allowed) out.aaguids = [...allowed];
  const denied = [...new Set([...(policy.aaguidDeny ?? []), ...(policy.compromised ?? [])])];
  if (denied.length > 0) out.notAaguids = denied;
  return out;
}

/**
 * The rule for an action: the first whose conditions hold. When none holds,
 * or one cannot be decided before a match is found, the strictest rule.
 * @example selectRule(policy, { type: 'wire.transfer', amount: '12500.00' }) // → { id: 'large-transfer', require: {...} }
 */
export function selectRule(policy: Policy, action: Action): AppliedRule {
  let chosen: PolicyRule = policy.strictest;
  for (const rule of policy.rules) {
    const verdict = evaluateMatch(rule.match, action);
    if (verdict === 'no') continue;
    if (verdict === 'match') chosen = rule;
    break;
  }
  const applied: AppliedRule = {
    id: chosen.id,
    require: effectiveRequirement(policy, chosen.require),
  };
  if (chosen.origins) applied.origins = [...chosen.origins];
  if (chosen.refuseFormatChars) applied.refuseFormatChars = true;
  if (chosen.offline) applied.offline = true;
  return applied;
}
