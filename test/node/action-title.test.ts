/** The default display's title, and the element's for an offline action without one (packages/psea/src/internal/action-title.ts). */
import { describe, expect, it } from 'vitest';
import { actionTitle } from '../../packages/psea/src/internal/action-title';

describe('actionTitle', () => {
  it.each([
    ['wire.transfer', 'Wire transfer'],
    ['repo.delete', 'Repo delete'],
    ['payments.wire_transfer', 'Payments wire transfer'],
    ['repoDelete', 'RepoDelete'],
    ['api-key.rotate', 'Api key rotate'],
    ['SEPA.credit', 'SEPA credit'],
    ['wire.Transfer', 'Wire Transfer'],
    ['  .x', 'X'],
    ['door:open', 'Door open'],
    ['x', 'X'],
    ['...', '...'],
  ])('%s → %s', (type, title) => expect(actionTitle(type)).toBe(title));

  it('keeps a hiding character for the element to show as ⟨U+XXXX⟩, never drops it', () => {
    expect(actionTitle('wire\u200B.transfer')).toBe('Wire\u200B transfer');
    expect(actionTitle('wire\u00A0transfer')).toBe('Wire\u00A0transfer');
    expect(actionTitle('wire\uFEFFtransfer')).toContain('\uFEFF');
  });
});
