/** The "what you sign" list (widget/signed-members.ts): every leaf of the action, in JCS order. */
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../packages/psea/src/internal/canonical-json';
import { PLAIN_NAME, quotedName, signedMembers, type Step } from '../../widget/signed-members';

/** A path as the element writes it (widget/visible.ts), as plain text. */
const written = (path: Step[]): string =>
  path
    .map((s, i) =>
      'index' in s
        ? `[${s.index}]`
        : PLAIN_NAME.test(s.name)
          ? `${i ? '.' : ''}${s.name}`
          : `["${quotedName(s.name)}"]`,
    )
    .join('');

describe('signedMembers', () => {
  it('lists every leaf, nested members expanded, arrays by index, sorted at every level', () => {
    const action = {
      type: 'wire.transfer',
      to: 'DE89',
      fee: { currency: 'EUR', amount: '25.00' },
      legs: [{ to: 'a' }, 7],
      Z: null,
      ok: true,
      empty: {},
      none: [],
    };
    expect(signedMembers(action).map((m) => [written(m.path), m.value])).toEqual([
      ['Z', { literal: 'null' }],
      ['empty', { literal: '{}' }],
      ['fee.amount', { string: '25.00' }],
      ['fee.currency', { string: 'EUR' }],
      ['legs[0].to', { string: 'a' }],
      ['legs[1]', { literal: '7' }],
      ['none', { literal: '[]' }],
      ['ok', { literal: 'true' }],
      ['to', { string: 'DE89' }],
      ['type', { string: 'wire.transfer' }],
    ]);
  });

  it('sorts names by UTF-16 code units, as JCS does (not by code point, not numerically)', () => {
    // RFC 8785 §3.2.3's example keys, and integer-like names that JS objects would reorder.
    const action: Record<string, string> = {
      '\u20ac': 'Euro',
      '\r': 'CR',
      '\ufb33': 'Hebrew',
      '1': 'One',
      '10': 'Ten',
      '2': 'Two',
      '\u{1F600}': 'Smiley',
      '\u0080': 'Control',
      '\u00f6': 'ö',
      type: 't',
    };
    const members = signedMembers(action);
    const rebuilt = `{${members.map((m) => `${JSON.stringify((m.path[0] as { name: string }).name)}:${JSON.stringify((m.value as { string: string }).string)}`).join(',')}}`;
    expect(rebuilt).toBe(canonicalJson(action));
  });

  it('writes numbers in their JCS form', () => {
    expect(
      signedMembers({ type: 't', a: 1e21, b: 1.0, c: -0, d: 0.1 }).map((m) => m.value),
    ).toEqual([
      { literal: '1e+21' },
      { literal: '1' },
      { literal: '0' },
      { literal: '0.1' },
      { string: 't' },
    ]);
  });

  it('keeps an own __proto__ member, as JSON.parse makes it', () => {
    const action = JSON.parse('{"type":"t","__proto__":{"admin":true}}') as Record<string, unknown>;
    expect(signedMembers(action).map((m) => written(m.path))).toEqual(['__proto__.admin', 'type']);
  });

  it('never writes two different members the same way', () => {
    const action = {
      type: 't',
      'fee.amount': '0',
      fee: { amount: '500' },
      'a["b"]': 1,
      a: { b: 2 },
      '': 3,
      'x\\': 4,
      '0': 5,
      arr: [6],
    };
    const paths = signedMembers(action).map((m) => written(m.path));
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths).toEqual([
      '[""]',
      '0',
      'a.b',
      '["a[\\"b\\"]"]',
      'arr[0]',
      'fee.amount',
      '["fee.amount"]',
      'type',
      '["x\\\\"]',
    ]);
  });

  it('quotes a name holding a hiding character or a space', () => {
    expect(PLAIN_NAME.test('\u202Eto')).toBe(false);
    expect(PLAIN_NAME.test('pay to')).toBe(false);
    expect(PLAIN_NAME.test('Empfänger')).toBe(true);
  });
});
