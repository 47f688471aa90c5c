/** The split of shown text into plain runs and characters that hide (packages/psea/src/internal/visible-text.ts). */
import { describe, expect, it } from 'vitest';
import {
  codepointLabel,
  firstHiding,
  HIDING,
  reveal,
  segments,
} from '../../packages/psea/src/internal/visible-text';

/** SPEC.md's own expression, with the `v` flag (Node 20 has it), plus Cs. */
const SPEC = new RegExp(
  String.raw`\p{Cc}|\p{Cf}|\p{Zl}|\p{Zp}|\p{Co}|\p{Cn}|\p{Default_Ignorable_Code_Point}|[\p{Zs}--\x20]|\p{Cs}`,
  'v',
);

/** One of each kind, by code point, with what it is. */
const HIDDEN: [number, string][] = [
  [0x0000, 'Cc'],
  [0x000a, 'Cc (line feed)'],
  [0x007f, 'Cc'],
  [0x0085, 'Cc'],
  [0x00ad, 'Cf (soft hyphen)'],
  [0x200b, 'Cf (zero width space)'],
  [0x200d, 'Cf (ZWJ)'],
  [0x200e, 'Cf (LRM)'],
  [0x202e, 'Cf (RLO)'],
  [0x2066, 'Cf (LRI)'],
  [0xfeff, 'Cf (BOM)'],
  [0xe0001, 'Cf (language tag)'],
  [0xe007f, 'Cf (cancel tag)'],
  [0x2028, 'Zl'],
  [0x2029, 'Zp'],
  [0xe000, 'Co'],
  [0xf8ff, 'Co'],
  [0xf0000, 'Co'],
  [0x10fffd, 'Co'],
  [0x0378, 'Cn'],
  [0xfffe, 'Cn (noncharacter)'],
  [0x10ffff, 'Cn'],
  [0x034f, 'DI (combining grapheme joiner)'],
  [0x115f, 'DI (Hangul filler)'],
  [0x3164, 'DI (Hangul filler)'],
  [0xfe0f, 'DI (variation selector)'],
  [0xe0100, 'DI'],
  [0x00a0, 'Zs (no-break space)'],
  [0x2000, 'Zs'],
  [0x202f, 'Zs'],
  [0x3000, 'Zs (ideographic space)'],
  [0x1680, 'Zs (ogham)'],
  [0xd800, 'Cs (lone high surrogate)'],
  [0xdfff, 'Cs (lone low surrogate)'],
];

describe('the hiding set', () => {
  it("is exactly SPEC.md's set (with lone surrogates) on every code point, plus the two blank symbols", () => {
    const differ: number[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      const ch = String.fromCodePoint(cp);
      if (HIDING.test(ch) !== SPEC.test(ch)) differ.push(cp);
    }
    expect(differ).toEqual([0x2800, 0x1d159]);
  });

  it.each(HIDDEN.map(([cp, what]) => [codepointLabel(cp), what, cp] as const))(
    '%s is hidden: %s',
    (_label, _what, cp) => {
      expect(HIDING.test(String.fromCodePoint(cp))).toBe(true);
    },
  );

  it.each([[' '], ['a'], ['é'], ['€'], ['א'], ['ا'], ['😀'], ['\u0301'], ['⟨'], ['\uFFFD']])(
    '%j is shown as itself',
    (ch) => {
      expect(HIDING.test(ch)).toBe(false);
    },
  );
});

describe('segments', () => {
  it('splits in logical order, one segment per hiding character', () => {
    expect(segments('\u202Eelpmaxe.knab@ecila')).toEqual([
      { codepoint: 0x202e },
      { text: 'elpmaxe.knab@ecila' },
    ]);
    expect(segments('a\u200B\u200Bb')).toEqual([
      { text: 'a' },
      { codepoint: 0x200b },
      { codepoint: 0x200b },
      { text: 'b' },
    ]);
    expect(segments('plain text')).toEqual([{ text: 'plain text' }]);
    expect(segments('')).toEqual([]);
  });

  it('keeps an astral character whole, and a surrogate pair is no lone surrogate', () => {
    expect(segments('x\u{E0001}y')).toEqual([{ text: 'x' }, { codepoint: 0xe0001 }, { text: 'y' }]);
    expect(segments('😀')).toEqual([{ text: '😀' }]);
    expect(segments('a\uD800b\uDC00')).toEqual([
      { text: 'a' },
      { codepoint: 0xd800 },
      { text: 'b' },
      { codepoint: 0xdc00 },
    ]);
  });

  it('leaves a typed "⟨U+200B⟩" as text, so it cannot pass for an escaped one', () => {
    expect(segments('⟨U+200B⟩')).toEqual([{ text: '⟨U+200B⟩' }]);
  });

  it('reassembles to the input', () => {
    const text = 'a\u202E b\u00A0\n\u{10FFFD}c\uD800';
    expect(
      segments(text)
        .map((s) => ('text' in s ? s.text : String.fromCodePoint(s.codepoint)))
        .join(''),
    ).toBe(text);
  });
});

describe('labels and reveal', () => {
  it('writes uppercase hex, at least four digits', () => {
    expect(codepointLabel(0)).toBe('⟨U+0000⟩');
    expect(codepointLabel(0xa)).toBe('⟨U+000A⟩');
    expect(codepointLabel(0x202e)).toBe('⟨U+202E⟩');
    expect(codepointLabel(0xe0001)).toBe('⟨U+E0001⟩');
    expect(codepointLabel(0x10fffd)).toBe('⟨U+10FFFD⟩');
  });

  it('reveals every hiding character and nothing else', () => {
    expect(reveal('\u202Eelpmaxe.knab@ecila')).toBe('⟨U+202E⟩elpmaxe.knab@ecila');
    expect(reveal('1 250\u00A0€\u2028')).toBe('1 250⟨U+00A0⟩€⟨U+2028⟩');
    expect(reveal('a\uD800')).toBe('a⟨U+D800⟩');
  });

  it('finds the first hiding character', () => {
    expect(firstHiding('abc')).toBeUndefined();
    expect(firstHiding('ab\u{E0001}\u202E')).toBe(0xe0001);
  });
});
