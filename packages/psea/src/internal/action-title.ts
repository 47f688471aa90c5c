/**
 * The title of an action that came without a `display`: its type, made readable
 * (`wire.transfer` → "Wire transfer"). The service's default display uses it (docs/api.md), and
 * the element for an offline action without one. Only the heading: the type itself, exactly as
 * signed, is still listed under "What you sign" (docs/display.md). Only ASCII separators go: any
 * other space or hiding character stays, to be shown as ⟨U+XXXX⟩. Kept small: it is in widget.js,
 * which has a gzip budget.
 */
export function actionTitle(type: string): string {
  const text = type.replace(/[ ._:/-]+/g, ' ').trim();
  return text ? text[0]!.toUpperCase() + text.slice(1) : type;
}
