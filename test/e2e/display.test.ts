/**
 * What the person sees cannot hide what is signed (SPEC.md v2), in a real
 * Chromium: on the hosted approve page and in the element embedded in a host
 * page. Anyone who controls a free-text field (an agent, a payee name) tries
 * to make the page read other than the string the passkey signs, or to leave
 * a member of the action off the page.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actionTicket,
  axe,
  embedUrl,
  enrolledDevice,
  launch,
  server,
  shot,
  waitForState,
  type Device,
} from './helpers';

/** Reads "alice@bank.example" when the right-to-left override is applied. */
const SPOOF = '\u202Eelpmaxe.knab@ecila';
const SPOOF_ACTION = { type: 'wire.transfer', amount: '1250.00', currency: 'EUR', to: SPOOF };
const SPOOF_DISPLAY = {
  title: 'Send €1,250.00',
  fields: [
    { label: 'To', value: SPOOF },
    { label: 'Amount', value: '€1,250.00' },
  ],
};

let browser: Browser;
let d: Device & { user: string };
beforeAll(async () => {
  browser = await launch();
  d = await enrolledDevice(browser);
});
afterAll(async () => {
  await d?.context.close();
  await browser?.close();
});

const approve = (page: Page): Locator => page.locator('psea-approve');

/** What a person reads in the element: innerText of its shadow root's card. */
const readable = (page: Page): Promise<string> =>
  approve(page).evaluate(
    (el) => (el.shadowRoot!.querySelector('[part~="base"]') as HTMLElement).innerText,
  );

/** The characters that reached the DOM in every part that shows a string (templates' own line breaks left out). */
const domText = (page: Page): Promise<string> =>
  approve(page).evaluate((el) =>
    Array.from(
      el.shadowRoot!.querySelectorAll(
        '[part~="title"], [part~="label"], [part~="value"], [part~="member-name"], [part~="member-value"]',
      ),
      (n) => n.textContent,
    ).join('|'),
  );

/** Open `url` and wait until the element shows the action. */
async function open(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await waitForState(page, 'psea-approve', 'ready');
}

/**
 * The escaped override is drawn before the letters that follow it, left to
 * right, in logical order: the box of the ⟨U+202E⟩ mark ends where the first
 * letter after it begins, in the field's value.
 */
async function drawnInLogicalOrder(page: Page): Promise<boolean> {
  return approve(page).evaluate((el) => {
    const value = el.shadowRoot!.querySelector('[part~="value"]')!;
    const mark = value.querySelector('[part~="codepoint"]')!;
    const walker = document.createTreeWalker(value, NodeFilter.SHOW_TEXT, (n) =>
      n.textContent?.startsWith('elpmaxe') ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP,
    );
    const after = walker.nextNode()!;
    const range = document.createRange();
    range.setStart(after, 0);
    range.setEnd(after, 1);
    return mark.getBoundingClientRect().right <= range.getBoundingClientRect().left + 1;
  });
}

describe('characters that hide', () => {
  it('the hosted page shows a right-to-left override as ⟨U+202E⟩, in logical order, never applied', async () => {
    const { approveUrl } = await actionTicket(d.user, {
      action: SPOOF_ACTION,
      display: SPOOF_DISPLAY,
    });
    await open(d.page, approveUrl);
    const text = await readable(d.page);
    expect(text).toContain('⟨U+202E⟩elpmaxe.knab@ecila');
    expect(text).not.toContain('alice@bank.example');
    expect(await domText(d.page)).not.toContain('\u202E');
    expect(await drawnInLogicalOrder(d.page)).toBe(true);
    // The "what you sign" list shows the member too, escaped the same way.
    expect(
      await approve(d.page).locator('[part~="member"]', { hasText: '⟨U+202E⟩elpmaxe' }).count(),
    ).toBe(1);
    await shot(d.page, 'display-rlo-hosted');
    expect(await axe(d.page)).toEqual([]);
  });

  it('the element embedded in a host page shows it the same way', async () => {
    const { ticket } = await actionTicket(d.user, { action: SPOOF_ACTION, display: SPOOF_DISPLAY });
    await open(d.page, embedUrl('approve', ticket));
    const text = await readable(d.page);
    expect(text).toContain('⟨U+202E⟩elpmaxe.knab@ecila');
    expect(text).not.toContain('alice@bank.example');
    expect(await domText(d.page)).not.toContain('\u202E');
    expect(await drawnInLogicalOrder(d.page)).toBe(true);
    await shot(d.page, 'display-rlo-embedded');
  });

  it('isolates every string: an override cannot reach past its own value', async () => {
    // Even unescaped, an isolate keeps a string's direction to itself; check the elements carry one.
    const { approveUrl } = await actionTicket(d.user, {
      action: SPOOF_ACTION,
      display: SPOOF_DISPLAY,
    });
    await open(d.page, approveUrl);
    const isolation = await approve(d.page).evaluate((el) =>
      Array.from(
        el.shadowRoot!.querySelectorAll(
          '[part~="title"], [part~="label"], [part~="value"], [part~="member-name"], [part~="member-value"]',
        ),
        (node) => {
          const isolates = Array.from(node.querySelectorAll('bdi'));
          return (
            isolates.length > 0 &&
            isolates.every((b) => getComputedStyle(b).unicodeBidi === 'isolate')
          );
        },
      ),
    );
    expect(isolation.length).toBeGreaterThan(6);
    expect(isolation.every(Boolean)).toBe(true);
  });

  it('escapes every hiding character: ZWJ, NBSP, line separator, private use, unassigned, BOM, ideographic space, tags, plane 16', async () => {
    const cases: [string, string][] = [
      ['\u200D', '⟨U+200D⟩'],
      ['\u00A0', '⟨U+00A0⟩'],
      ['\u2028', '⟨U+2028⟩'],
      ['\u2029', '⟨U+2029⟩'],
      ['\uE000', '⟨U+E000⟩'],
      ['\u0378', '⟨U+0378⟩'],
      ['\uFEFF', '⟨U+FEFF⟩'],
      ['\u3000', '⟨U+3000⟩'],
      ['\u{E0001}', '⟨U+E0001⟩'],
      ['\u{10FFFD}', '⟨U+10FFFD⟩'],
      ['\u0000', '⟨U+0000⟩'],
      ['\n', '⟨U+000A⟩'],
      ['\u00AD', '⟨U+00AD⟩'],
      ['\u2066', '⟨U+2066⟩'],
      ['\u180E', '⟨U+180E⟩'],
      ['\uFE0F', '⟨U+FE0F⟩'],
    ];
    const fields = cases.map(([ch], i) => ({ label: `Case ${i}`, value: `a${ch}b` }));
    // A lone surrogate never reaches the page: the request schema refuses it in an action or a display
    // (it has no canonical form); test/node/visible-text.test.ts shows how one would be drawn.
    const action = { type: 'note.send', note: cases.map(([ch]) => ch).join('|') };
    const { approveUrl } = await actionTicket(d.user, {
      action,
      display: { title: 'Hidden characters', fields },
    });
    await open(d.page, approveUrl);
    const values = await approve(d.page)
      .locator('[part~="value"]')
      .evaluateAll((nodes) => nodes.map((n) => (n as HTMLElement).innerText));
    expect(values).toEqual(cases.map(([, shown]) => `a${shown}b`));
    const note = await approve(d.page)
      .locator('[part~="member-value"]')
      .evaluateAll((nodes) => nodes.map((n) => (n as HTMLElement).innerText));
    expect(note).toContain(`"${cases.map(([, shown]) => shown).join('|')}"`);
    // None of them reached the DOM's text; an ordinary space did.
    const dom = await domText(d.page);
    for (const [ch] of cases)
      expect(dom.includes(ch), `U+${ch.codePointAt(0)!.toString(16)}`).toBe(false);
    expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(dom)).toBe(false);
    expect(dom).toContain('Case 0'); // an ordinary space is text
    await shot(d.page, 'display-hidden-characters');
    expect(await axe(d.page)).toEqual([]);
  });

  it('a typed "⟨U+200B⟩" looks different from an escaped U+200B', async () => {
    const { approveUrl } = await actionTicket(d.user, {
      action: { type: 'note.send', typed: 'a⟨U+200B⟩b', hidden: 'a\u200Bb' },
      display: {
        title: 'Look alike',
        fields: [
          { label: 'Typed', value: 'a⟨U+200B⟩b' },
          { label: 'Hidden', value: 'a\u200Bb' },
        ],
      },
    });
    await open(d.page, approveUrl);
    const look = await approve(d.page).evaluate((el) => {
      const [typed, hidden] = Array.from(
        el.shadowRoot!.querySelectorAll<HTMLElement>('[part~="value"]'),
      );
      const style = (n: Element) => {
        const s = getComputedStyle(n);
        return {
          color: s.color,
          background: s.backgroundColor,
          border: s.borderTopStyle,
          font: s.fontFamily,
        };
      };
      const mark = hidden!.querySelector('[part~="codepoint"]')!;
      return {
        typedMarks: typed!.querySelectorAll('[part~="codepoint"]').length,
        hiddenMarks: hidden!.querySelectorAll('[part~="codepoint"]').length,
        same: typed!.innerText === hidden!.innerText,
        typedStyle: style(typed!.querySelector('bdi')!),
        markStyle: style(mark),
        markClass: mark.className,
      };
    });
    expect(look.typedMarks).toBe(0);
    expect(look.hiddenMarks).toBe(1);
    expect(look.markClass).toBe('cp');
    expect(look.same).toBe(true); // the same characters to read…
    expect(look.markStyle.background).not.toBe(look.typedStyle.background); // …drawn apart
    expect(look.markStyle.color).not.toBe(look.typedStyle.color);
    expect(look.markStyle.border).not.toBe('none');
    await approve(d.page)
      .locator('[part~="fields"]')
      .screenshot({ path: 'test-results/e2e/display-typed-vs-escaped.png' });
  });

  it('escapes an account name on the hosted enroll page', async () => {
    const { page } = d;
    const { enrollUrl } = await enrollmentFor(`${d.user}-x`, SPOOF);
    await page.goto(enrollUrl);
    await waitForState(page, 'psea-enroll', 'ready');
    const text = await page
      .locator('psea-enroll')
      .evaluate((el) => (el.shadowRoot!.querySelector('[part~="value"]') as HTMLElement).innerText);
    expect(text).toContain('⟨U+202E⟩elpmaxe.knab@ecila');
    expect(
      await page.locator('psea-enroll').evaluate((el) => el.shadowRoot!.textContent),
    ).not.toContain('\u202E');
  });
});

describe('every member in front of the person', () => {
  it('"what you sign" lists every member of the action, nested ones expanded, in JCS order, with the hash', async () => {
    const action = {
      type: 'wire.transfer',
      to: 'DE89 3704 0044 0532 0130 00',
      amount: '1250.00',
      fee: { currency: 'EUR', amount: '25.00' },
      legs: [{ to: 'a' }, 7],
      'b.c': true,
      Z: null,
      empty: {},
    };
    // The display leaves out the fee, the legs and the rest.
    const { approveUrl, actionHash } = await actionTicket(d.user, {
      action,
      display: {
        title: 'Send €1,250.00',
        fields: [
          { label: 'To', value: action.to },
          { label: 'Amount', value: '€1,250.00' },
        ],
      },
    });
    await open(d.page, approveUrl);
    const details = approve(d.page).locator('[part~="details"]');
    expect(await details.evaluate((el) => (el as HTMLDetailsElement).open)).toBe(true); // in view without a click
    const names = await approve(d.page)
      .locator('[part~="member-name"]')
      .evaluateAll((n) => n.map((e) => (e as HTMLElement).innerText));
    const values = await approve(d.page)
      .locator('[part~="member-value"]')
      .evaluateAll((n) => n.map((e) => (e as HTMLElement).innerText));
    expect(names).toEqual([
      'Z',
      'amount',
      '["b.c"]',
      'empty',
      'fee.amount',
      'fee.currency',
      'legs[0].to',
      'legs[1]',
      'to',
      'type',
    ]);
    expect(values).toEqual([
      'null',
      '"1250.00"',
      'true',
      '{}',
      '"25.00"',
      '"EUR"',
      '"a"',
      '7',
      `"${action.to}"`,
      '"wire.transfer"',
    ]);
    expect(await details.innerText()).toContain(actionHash);
    await approve(d.page).screenshot({ path: 'test-results/e2e/display-what-you-sign.png' });
  });

  it('a prescription whose display leaves out the second drug still shows it', async () => {
    const action = {
      type: 'rx.sign',
      patient: 'P-1',
      drugs: [
        { name: 'amoxicillin', dose: '500 mg' },
        { name: 'oxycodone', dose: '80 mg' },
      ],
    };
    const { approveUrl } = await actionTicket(d.user, {
      action,
      display: {
        title: 'Sign prescription',
        fields: [{ label: 'Drug', value: 'amoxicillin 500 mg' }],
      },
    });
    await open(d.page, approveUrl);
    const text = await readable(d.page);
    expect(text).toContain('drugs[1].name');
    expect(text).toContain('"oxycodone"');
    await shot(d.page, 'display-omitted-drug');
  });
});

/** An enrollment ticket for a user with this account name. */
async function enrollmentFor(userId: string, name: string): Promise<{ enrollUrl: string }> {
  const { status, data } = await server<{ enrollUrl: string }>('/v1/enrollments', {
    user: { id: userId, name, displayName: 'Ada' },
  });
  if (status !== 201) throw new Error(`POST /v1/enrollments: ${status} ${JSON.stringify(data)}`);
  return data;
}
