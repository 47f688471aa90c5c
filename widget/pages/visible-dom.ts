/**
 * The pages' scripts' form of a shown string (packages/psea/src/internal/visible-text.ts):
 * DOM nodes in a `<bdi>`, each character that hides a ⟨U+XXXX⟩ `span.cp`
 * (styled in pages.css). Text nodes only: nothing is parsed as HTML.
 */
import { codepointLabel, segments } from '../../packages/psea/src/internal/visible-text';

/** Replace `el`'s content with `text`, shown. Line breaks in `text` stay line breaks when `lines` is set (formatted JSON). */
export function showText(el: HTMLElement, text: string, lines = false): void {
  const bdi = document.createElement('bdi');
  (lines ? text.split('\n') : [text]).forEach((line, i) => {
    if (i > 0) bdi.append('\n');
    for (const s of segments(line)) {
      if ('text' in s) {
        bdi.append(s.text);
      } else {
        const mark = document.createElement('span');
        mark.className = 'cp';
        mark.textContent = codepointLabel(s.codepoint);
        bdi.append(mark);
      }
    }
  });
  el.replaceChildren(bdi);
}
