import type { AppliedRule, Policy, PolicyRule, Requirement, RuleMatch } from './types';

function numeric(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return undefined;
}

function typeMatches(pattern: string, type: string): boolean {
  return pattern.endsWith('*') ? type.startsWith(pattern.slice(0, -1)) : pattern === type;
}

function compare(action: Record<string, unknown>, bounds: Record<string, number> | undefined, ok: (a: number, b: number) => boolean): boolean {
  if (!bounds) return true;
  // A threshold on a field the action lacks (or that is not a number) does not match.
  return Object.entries(bounds).every(([field, bound]) => {
    const v = numeric(action[field]);
    return v !== undefined && ok(v, bound);
  });
}

export function ruleMatches(match: RuleMatch | undefined, action: Record<string, unknown> & { type: string }): boolean {
  if (!match) return true;
  if (match.type !== undefined) {
    const patterns = Array.isArray(match.type) ? match.type : [match.type];
    if (!patterns.some((p) => typeMatches(p, action.type))) return false;
  }
  return (
    compare(action, match.gt, (a, b) => a > b) &&
    compare(action, match.gte, (a, b) => a >= b) &&
    compare(action, match.lt, (a, b) => a < b) &&
    compare(action, match.lte, (a, b) => a <= b)
  );
}

/** How much a requirement asks for; used to find the strictest rule. */
export function strictness(req: Requirement): number {
  return (req.deviceBound ? 1 : 0) + (req.attested ? 2 : 0) + (req.aaguids ? 4 : 0);
}

/**
 * The rule for an action: the first that matches, else the strictest rule
 * configured — an unforeseen action must never get the loosest treatment.
 */
export function selectRule(policy: Policy, action: Record<string, unknown> & { type: string }): AppliedRule {
  const hit = policy.rules.find((r) => ruleMatches(r.match, action));
  const rule: PolicyRule =
    hit ?? policy.rules.reduce((best, r) => (strictness(r.require) > strictness(best.require) ? r : best));
  return { id: rule.id, require: rule.require };
}
