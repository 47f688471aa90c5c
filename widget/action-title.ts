/**
 * The title of an action that came without a `display`: its type, made readable
 * (`wire.transfer` → "Wire transfer", `repoDelete` → "Repo delete"). Only the heading: the type
 * itself, exactly as signed, is still listed under "What you sign" (docs/display.md).
 */
export function actionTitle(type: string): string {
  const words = type
    // Camel case: a lower-case letter or digit then a capital starts a word.
    .replace(/(\p{Ll}|\p{N})(\p{Lu})/gu, '$1 $2')
    // Only ASCII separators: any other space or hiding character stays, for visible() to show.
    .split(/[ ._:/-]+/)
    .filter(Boolean)
    // An all-capitals word (API, SEPA) stays as it is; any other is lower-cased.
    .map((w) => (w.length > 1 && w === w.toUpperCase() && w !== w.toLowerCase() ? w : w.toLowerCase()));
  if (words.length === 0) return type;
  const [first, ...rest] = words as [string, ...string[]];
  return [first.charAt(0).toUpperCase() + first.slice(1), ...rest].join(' ');
}
