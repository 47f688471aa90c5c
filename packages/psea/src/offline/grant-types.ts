/**
 * A grant's `types` (docs/offline.md ("Offline approvals")): exact action types or
 * `prefix.*`. Offline the action is chosen on the device, so the pattern set
 * is kept narrow: `wire.*` covers `wire.transfer` and `wire.sepa.instant`,
 * not `wire` nor `wirex.pay`; a bare `*` or a `*` anywhere else is no pattern
 * and makes the bundle invalid rather than quietly covering every type.
 */

/** Whether `pattern` is an exact type or `prefix.*` with a non-empty prefix and no other `*`. */
export function isGrantTypePattern(pattern: string): boolean {
  if (pattern === '') return false;
  const star = pattern.indexOf('*');
  if (star === -1) return true;
  return star === pattern.length - 1 && pattern.endsWith('.*') && pattern.length > 2;
}

/** Whether an action type is covered by one of a grant's patterns. */
export function grantCoversType(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) =>
    p.endsWith('.*') ? type.startsWith(p.slice(0, -1)) && type.length > p.length - 1 : p === type,
  );
}
