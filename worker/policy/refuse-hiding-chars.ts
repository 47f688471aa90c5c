/**
 * A rule's `refuseFormatChars`: an action (or its display) whose member
 * names or strings hold a character that hides (packages/psea/src/internal/visible-text.ts)
 * is refused when it is created, before anyone is asked to approve it. The
 * widget would show such a character as ⟨U+XXXX⟩ anyway; a rule that
 * refuses them keeps them out of receipts and the RP's records as well.
 */
import { ProblemError } from '../errors';
import { codepointLabel, firstHiding, reveal } from '../../packages/psea/src/internal/visible-text';

const hex = (cp: number): string => codepointLabel(cp).slice(1, -1);

/**
 * The first place in `value` holding a hiding character, as `path: what`,
 * or undefined. Paths are dotted like the body validator's (`fee.note`,
 * `fields.1.label`), with hiding characters in names written as ⟨U+XXXX⟩,
 * so the detail never carries one. Bodies are at most 32 levels deep
 * (MAX_JSON_DEPTH), so recursion is safe.
 */
export function findHidingChar(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') {
    const cp = firstHiding(value);
    return cp === undefined ? undefined : `${path}: holds ${hex(cp)}`;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [name, child] of Object.entries(value)) {
    const at = `${path}.${reveal(name)}`;
    const cp = firstHiding(name);
    if (cp !== undefined) return `${at}: member name holds ${hex(cp)}`;
    const found = findHidingChar(child, at);
    if (found) return found;
  }
  return undefined;
}

/**
 * Refuse an action or display holding a character that hides, for a rule that says so.
 * @throws ProblemError `invalid_request` naming the field, the character and the rule.
 * @example refuseHidingChars('wire', { action, display }) // throws on action.to = '\u202E…'
 */
export function refuseHidingChars(
  ruleId: string,
  parts: { action: unknown; display: unknown },
): void {
  const found = findHidingChar(parts.action, 'action') ?? findHidingChar(parts.display, 'display');
  if (found) {
    throw new ProblemError(
      'invalid_request',
      `${found}, a character that hides or reorders text; the policy rule "${ruleId}" refuses them`,
    );
  }
}
