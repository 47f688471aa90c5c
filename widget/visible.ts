/**
 * Text as the elements show it (packages/psea/src/internal/visible-text.ts): each string in
 * its own `<bdi>`, so its direction stays inside it, and every character
 * that hides drawn as a ⟨U+XXXX⟩ mark in an element of its own
 * (`part="codepoint"`), styled apart from text, so a typed "⟨U+200B⟩" looks
 * different. Lit renders every piece as a text node: nothing is ever HTML.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { codepointLabel, segments } from '../packages/psea/src/internal/visible-text';
import { PLAIN_NAME, quotedName, type Leaf, type Step } from './signed-members';

/** One string, isolated, with its hiding characters shown by number. */
export const visible = (text: string): TemplateResult =>
  html`<bdi>${segments(text).map((s) => ('text' in s ? s.text : html`<span class="cp" part="codepoint">${codepointLabel(s.codepoint)}</span>`))}</bdi>`;

const punct = (text: string): TemplateResult => html`<span class="punct">${text}</span>`;

/** A member's path: `fee.amount`, `legs[0].to`, `["b.c"]`; each name isolated on its own. */
export const memberPath = (path: Step[]): TemplateResult =>
  html`<span class="path" dir="ltr">${path.map((step, i) =>
    'index' in step
      ? html`${punct('[')}${visible(String(step.index))}${punct(']')}`
      : PLAIN_NAME.test(step.name)
        ? html`${i > 0 ? punct('.') : nothing}${visible(step.name)}`
        : html`${punct('["')}${visible(quotedName(step.name))}${punct('"]')}`,
  )}</span>`;

/** A leaf: a string between quote marks drawn apart from it, or a literal. */
export const memberValue = (leaf: Leaf): TemplateResult =>
  'string' in leaf
    ? html`${punct('"')}${visible(leaf.string)}${punct('"')}`
    : html`<span class="literal">${visible(leaf.literal)}</span>`;
