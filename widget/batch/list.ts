/**
 * Every item of a batch, every member, as DOM built directly (no template per
 * row): a 10,000-item batch is drawn in one pass. Text only, never HTML:
 * each string is a text node, each character that hides a ⟨U+XXXX⟩ mark of
 * its own (`part="codepoint"`), each value direction-isolated in a `<bdi>`,
 * as everywhere else in the widget (docs/display.md).
 */
import { codepointLabel, HIDING, segments } from '../../packages/psea/src/internal/visible-text';
import { defineContainer } from './styles';
import { signedMembers, PLAIN_NAME, quotedName, type Leaf, type Step } from '../signed-members';

function el(tag: string, cls: string, part?: string): HTMLElement {
  const e = document.createElement(tag);
  e.className = cls;
  if (part) e.setAttribute('part', part);
  return e;
}

/** Append `text` with its hiding characters shown by number. */
function appendVisible(parent: Node, text: string): void {
  if (!HIDING.test(text)) {
    parent.appendChild(document.createTextNode(text));
    return;
  }
  for (const s of segments(text)) {
    if ('text' in s) parent.appendChild(document.createTextNode(s.text));
    else {
      const cp = el('span', 'cp', 'codepoint');
      cp.textContent = codepointLabel(s.codepoint);
      parent.appendChild(cp);
    }
  }
}

/** A member's path as text: `fee.amount`, `legs[0].to`, `["b.c"]`. */
const pathText = (path: Step[]): string =>
  path
    .map((step, i) =>
      'index' in step
        ? `[${step.index}]`
        : PLAIN_NAME.test(step.name)
          ? `${i > 0 ? '.' : ''}${step.name}`
          : `["${quotedName(step.name)}"]`,
    )
    .join('');

/**
 * The list: a `<psea-batch-items part="items">` of `part="item"` rows (list
 * roles, numbered from 1), each a grid of member name (plain text) and value
 * (a `<bdi>`), in JCS order, strings between quote marks drawn apart. Rows
 * are cloned from one template: at 10,000 items the DOM is most of the time
 * before the button is enabled (docs/performance.md).
 */
export function itemList(items: readonly Record<string, unknown>[]): HTMLElement {
  defineContainer();
  const list = el('psea-batch-items', 'items', 'items');
  list.setAttribute('role', 'list');
  list.tabIndex = 0;
  const row = el('div', 'item', 'item');
  row.setAttribute('role', 'listitem');
  const str = document.createElement('bdi');
  str.className = 's';
  const lit = document.createElement('bdi');
  lit.className = 'l';
  const member = (li: HTMLElement, path: string, leaf: Leaf): void => {
    appendVisible(li, path);
    const value = ('string' in leaf ? str : lit).cloneNode() as HTMLElement;
    appendVisible(value, 'string' in leaf ? leaf.string : leaf.literal);
    li.appendChild(value);
  };
  for (const item of items) {
    const li = row.cloneNode() as HTMLElement;
    // A top-level string (most members of most items) is its own leaf: no walk needed.
    for (const name of Object.keys(item).sort()) {
      const v = item[name];
      if (typeof v === 'string') member(li, pathText([{ name }]), { string: v });
      else for (const m of signedMembers({ [name]: v })) member(li, pathText(m.path), m.value);
    }
    list.appendChild(li);
  }
  return list;
}
