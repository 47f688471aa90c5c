/** The service's own pages show strings as the widget does (worker/pages/visible-html.ts). */
import { describe, expect, it } from 'vitest';
import { hostedPage } from '../../worker/pages/hosted';
import { visibleHtml } from '../../worker/pages/visible-html';

describe('visibleHtml', () => {
  it('isolates the string and marks each hiding character, in logical order', () => {
    expect(visibleHtml('\u202Eelpmaxe.knab@ecila')).toBe(
      '<bdi><span class="cp">⟨U+202E⟩</span>elpmaxe.knab@ecila</bdi>',
    );
    expect(visibleHtml('a\u{E0001}b\u00A0')).toBe(
      '<bdi>a<span class="cp">⟨U+E0001⟩</span>b<span class="cp">⟨U+00A0⟩</span></bdi>',
    );
  });

  it('escapes markup, and leaves a typed "⟨U+200B⟩" as plain text', () => {
    expect(visibleHtml('<b>"x"</b>&')).toBe('<bdi>&lt;b&gt;&quot;x&quot;&lt;/b&gt;&amp;</bdi>');
    expect(visibleHtml('⟨U+200B⟩')).toBe('<bdi>⟨U+200B⟩</bdi>');
  });
});

describe('hosted pages', () => {
  it('show an RP name with a hiding character marked in the page and revealed in the title; the real character never reaches the HTML', () => {
    const html = hostedPage('approve', {
      ticket: 't',
      endpoint: 'https://approve.example.com',
      rpName: 'Bank\u202Ekcab',
      nonce: 'n',
    });
    expect(html).toContain('<bdi>Bank<span class="cp">⟨U+202E⟩</span>kcab</bdi>');
    expect(html).toContain('<title>Approve this action · Bank⟨U+202E⟩kcab</title>');
    expect(html).not.toContain('\u202E');
  });
});
