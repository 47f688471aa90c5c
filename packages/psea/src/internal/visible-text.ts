/**
 * Characters that hide: the ones that draw nothing, draw as blank, or change
 * how the text around them is drawn (a right-to-left override makes
 * "\u202Eelpmaxe.knab@ecila" read "alice@bank.example"). Every string shown
 * to a person is split here into plain text and such characters, which are
 * then shown as ⟨U+XXXX⟩ and never applied (docs/api.md "What the person
 * sees"). One module for the widget (Lit), the service's own pages (HTML
 * strings) and the policy's refusal, so all three agree on the set.
 *
 * Pure: no DOM, no Workers API. Built with the `u` flag rather than the
 * docs/api.md's `v` form (`[\p{Zs}--\x20]`) so that widget.js still loads in
 * browsers without `v` (Safari before 17); test/node/visible-text.test.ts
 * checks the two agree on every code point.
 */

/**
 * Cc, Cf, Zl, Zp, Co, Cn, Default_Ignorable_Code_Point, and every space
 * separator but U+0020. Also Cs: a lone surrogate cannot be drawn, and
 * UTF-8 turns it into U+FFFD, so it is shown by its number too.
 * Cn follows the engine's Unicode version: a character newer than that is
 * shown escaped, never hidden. Beyond docs/api.md's categories, the symbols that
 * draw as a blank the width of a letter (U+2800 BRAILLE PATTERN BLANK,
 * U+1D159 MUSICAL SYMBOL NULL NOTEHEAD): "DE89\u28003704" would read as a
 * spaced IBAN.
 */
const BLANK_SYMBOLS = '\u2800\u{1D159}';
const CLASS = String.raw`[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}\p{Cs}\p{Default_Ignorable_Code_Point}${BLANK_SYMBOLS}]|(?!\x20)\p{Zs}`;

/** Tests one character (or finds the first) without state: no `g` flag. */
export const HIDING = new RegExp(CLASS, 'u');
const HIDING_ALL = new RegExp(CLASS, 'gu');

/** A run of plain text, or one character that hides, by its code point. */
export type Segment = { text: string } | { codepoint: number };

/** `⟨U+202E⟩`: uppercase hex, at least four digits. */
export function codepointLabel(codepoint: number): string {
  return `⟨U+${codepoint.toString(16).toUpperCase().padStart(4, '0')}⟩`;
}

/**
 * Split `text` into plain runs and hiding characters, in logical order.
 * @example segments('a\u200Bb') // [{ text: 'a' }, { codepoint: 0x200b }, { text: 'b' }]
 */
export function segments(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const m of text.matchAll(HIDING_ALL)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index) });
    out.push({ codepoint: m[0].codePointAt(0)! });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

/**
 * The text with every hiding character written as ⟨U+XXXX⟩: for places that
 * hold only plain text (a page's `<title>`, an error's detail).
 * @example reveal('\u202Eabc') // '⟨U+202E⟩abc'
 */
export function reveal(text: string): string {
  return text.replace(HIDING_ALL, (ch) => codepointLabel(ch.codePointAt(0)!));
}

/** The first hiding character in `text`, by code point, or undefined. */
export function firstHiding(text: string): number | undefined {
  return HIDING.exec(text)?.[0].codePointAt(0);
}
