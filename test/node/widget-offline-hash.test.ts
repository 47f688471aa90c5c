/**
 * The widget's own JCS + SHA-256 (widget/offline/hash.ts, kept small for the
 * browser) gives the very bytes the service and the field verifier hash:
 * hashAction, hashDisplay and the offline challenge of worker/.
 */
import { describe, expect, it } from 'vitest';
import { hashAction, hashDisplay } from '../../packages/psea/src/receipt/index.ts';
import { canonicalJson } from '../../packages/psea/src/internal/canonical-json.ts';
import { offlineChallenge } from '../../packages/psea/src/offline/offline-statement.ts';
import { jcs, jcsHash, plainJson } from '../../widget/offline/hash.ts';

const VALUES: unknown[] = [
  { type: 'wire.transfer', amount: '1250.00', currency: 'EUR', to: 'DE89 3704 0044 0532 0130 00' },
  // RFC 8785 §3.2.2's numbers and escapes, and §3.2.3's key order (UTF-16 code units).
  JSON.parse(
    String.raw`{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/","literals":[null,true,false]}`,
  ),
  JSON.parse(
    String.raw`{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew","1":"One","\ud83d\ude00":"Emoji","\u0080":"Control","\u00f6":"o"}`,
  ),
  {
    type: 'x',
    nested: { z: [1, { b: 2, a: [] }], a: {} },
    big: 1e21,
    small: 1e-7,
    neg: -0,
    e: '',
    rtl: '\u202eabc',
    zw: 'a\u200bb',
  },
  {
    title: 'Send €1,250.00',
    fields: [
      { label: 'To', value: 'DE89…' },
      { label: 'Amount', value: '€1,250.00' },
    ],
  },
];

describe('widget offline hashing', () => {
  it('is JCS, byte for byte, as canonicalize makes it', () => {
    for (const v of VALUES) expect(jcs(v)).toBe(canonicalJson(v));
  });

  it('equals hashAction, hashDisplay and the offline challenge', async () => {
    for (const v of VALUES) {
      expect(await jcsHash(v)).toBe(await hashAction(v));
      expect(await jcsHash(v)).toBe(await hashDisplay(v));
    }
    const statement = {
      v: 1 as const,
      iss: 'https://a.example',
      aud: 'door-7',
      sub: 'u-1',
      act: await hashAction(VALUES[0]),
      nonce: 'n'.repeat(22),
      mode: 'offline' as const,
      signed_at: 1_800_000_000,
      dsp: 'd',
    };
    expect(await jcsHash(statement)).toBe(await offlineChallenge(statement));
  });

  it('hashes what the wire carries: undefined members dropped, toJSON applied', async () => {
    const action = { type: 't', gone: undefined, when: new Date(0) };
    expect(plainJson(action)).toEqual({ type: 't', when: '1970-01-01T00:00:00.000Z' });
    expect(await jcsHash(plainJson(action))).toBe(
      await hashAction(JSON.parse(JSON.stringify(action))),
    );
  });

  it('refuses a lone surrogate, in a value or a name, as canonicalize does', () => {
    expect(() => canonicalJson({ a: '\ud800' })).toThrow();
    expect(() => jcs({ a: '\ud800' })).toThrow(/lone surrogate/);
    expect(() => jcs({ '\udc00': 1 })).toThrow(/lone surrogate/);
    expect(jcs({ a: '\ud83d\ude00' })).toBe(canonicalJson({ a: '\ud83d\ude00' }));
  });
});
