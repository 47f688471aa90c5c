/**
 * Review of the display rendering (issue 14): characters that hide but fall
 * outside the SPEC's categories. The SPEC's list (Cc, Cf, Zl, Zp, Co, Cn,
 * Default_Ignorable_Code_Point, Zs but U+0020) is implemented exactly; these
 * are gaps in that list, for the lead to weigh (a SPEC question, not a bug).
 */
import { describe, expect, it } from 'vitest';
import { reveal } from '../../packages/psea/src/internal/visible-text';

describe('blank-drawing symbols outside the SPEC categories', () => {
  it('the SPEC categories are all caught (holds): U+3164, U+115F, U+180E, U+034F, U+FE0F, U+E0041, U+2800 aside', () => {
    for (const cp of [0x3164, 0x115f, 0x180e, 0x034f, 0xfe0f, 0xe0041, 0xffa0, 0x2064, 0x1d173]) {
      expect(reveal(`a${String.fromCodePoint(cp)}b`), cp.toString(16)).not.toBe(
        `a${String.fromCodePoint(cp)}b`,
      );
    }
  });

  // Found in review (low), now shown: U+2800 BRAILLE PATTERN BLANK (So) draws as a blank the width of a letter and is not
  // Default_Ignorable, so it passes as plain text and refuseFormatChars lets it in: "DE89\u28003704" reads
  // as a spaced IBAN. Same for U+1D159 MUSICAL SYMBOL NULL NOTEHEAD; both are escaped beyond the SPEC list.
  it('U+2800 BRAILLE PATTERN BLANK is shown by its number', () => {
    expect(reveal('DE89\u28003704')).toBe('DE89⟨U+2800⟩3704');
  });
});
