/**
 * A shown string as HTML for the service's own pages: the same split as the
 * widget's (packages/psea/src/internal/visible-text.ts), so a page and the element inside it
 * agree. The string is isolated in a `<bdi>`, each character that hides is a
 * ⟨U+XXXX⟩ mark of its own class, styled apart in pages.css, and every piece
 * is escaped.
 */
import { codepointLabel, segments } from '../../packages/psea/src/internal/visible-text';
import { escapeHtml } from './html';

/** @example visibleHtml('\u202Eabc<') // '<bdi><span class="cp">⟨U+202E⟩</span>abc&lt;</bdi>' */
export function visibleHtml(text: string): string {
  const inner = segments(text)
    .map((s) =>
      'text' in s ? escapeHtml(s.text) : `<span class="cp">${codepointLabel(s.codepoint)}</span>`,
    )
    .join('');
  return `<bdi>${inner}</bdi>`;
}
