/**
 * Every member of an action as the passkey signs it: leaves only, nested
 * members expanded (`fee.amount`, `legs[0].to`), in RFC 8785 (JCS) order,
 * keys sorted by UTF-16 code units at every level. A member the display
 * leaves out is still listed, so it is still in front of the person.
 */

/** One step of a member's path: an object member's name, or an array index. */
export type Step = { name: string } | { index: number };

/** A leaf: a string as its text, or a number, boolean, null, `{}` or `[]` as its JSON (JCS) form. */
export type Leaf = { string: string } | { literal: string };

export interface SignedMember {
  path: Step[];
  value: Leaf;
}

/**
 * The leaves of `value`, depth first in JCS order. The default sort compares
 * UTF-16 code units, which is JCS's order; `JSON.stringify` of a finite
 * number is its JCS form. The action is bounded (16 KiB, 32 levels) before
 * it is served, so recursion is safe.
 * @example signedMembers({ type: 't', fee: { amount: '1' } }) // fee.amount "1", type "t"
 */
export function signedMembers(value: Record<string, unknown>): SignedMember[] {
  const out: SignedMember[] = [];
  const walk = (v: unknown, path: Step[]): void => {
    if (Array.isArray(v)) {
      if (v.length === 0) out.push({ path, value: { literal: '[]' } });
      v.forEach((item, index) => walk(item, [...path, { index }]));
    } else if (v !== null && typeof v === 'object') {
      const names = Object.keys(v).sort();
      if (names.length === 0) out.push({ path, value: { literal: '{}' } });
      for (const name of names) walk((v as Record<string, unknown>)[name], [...path, { name }]);
    } else if (typeof v === 'string') {
      out.push({ path, value: { string: v } });
    } else {
      out.push({ path, value: { literal: JSON.stringify(v) ?? String(v) } });
    }
  };
  walk(value, []);
  return out;
}

/**
 * A name that can stand in a dotted path: letters, digits, `_`, `$`, `-`.
 * Any other name (one holding `.`, `[`, a space, a hiding character, or
 * empty) is shown as `["name"]`, so `{"fee.amount": 0}` never reads like
 * `{"fee": {"amount": 0}}`.
 */
export const PLAIN_NAME = /^[\p{L}\p{N}_$-]+$/u;

/** A name for the `["…"]` form: `"` and `\` escaped, so it cannot close the brackets early. */
export const quotedName = (name: string): string => name.replace(/["\\]/g, '\\$&');
