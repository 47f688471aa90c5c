import { describe, expect, it } from 'vitest';
import {
  hashAction,
  ReceiptError,
  statementChallenge,
  statementFromClaims,
  type ReceiptClaims,
  type Statement,
} from '../../packages/psea/src/receipt/index.ts';
import { canonicalJson } from '../../packages/psea/src/internal/canonical-json.ts';
import { randomId } from '../../worker/lib/random-id.ts';
import { sha256B64url } from '../../packages/psea/src/internal/sha256-b64url.ts';

// Expected hashes below were computed outside JS (Python hashlib over the RFC's printed output).

describe('canonicalJson (RFC 8785)', () => {
  it('matches the RFC 8785 §3.2.2 example', () => {
    const input = JSON.parse(String.raw`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`);
    expect(canonicalJson(input)).toBe(
      String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`,
    );
  });

  it('sorts keys by UTF-16 code units (RFC 8785 §3.2.3)', () => {
    const input = JSON.parse(String.raw`{
      "\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One", "\ud83d\ude00": "Emoji: Grinning Face", "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    }`);
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('writes numbers in ECMAScript form', () => {
    expect(
      canonicalJson({ b: 1.0, a: 1e21, c: -0, d: 1e-7, e: 123456789012345680000, f: 0.1 + 0.2 }),
    ).toBe('{"a":1e+21,"b":1,"c":0,"d":1e-7,"e":123456789012345680000,"f":0.30000000000000004}');
  });

  it.each([
    ['undefined', undefined],
    ['a function', () => 1],
    ['NaN', { n: NaN }],
    ['Infinity', [Infinity]],
    ['a lone surrogate', { s: '\ud800' }],
    ['a BigInt', { n: 1n }],
  ])('throws invalid_json for %s', (_name, value) => {
    expect(() => canonicalJson(value)).toThrow(
      expect.objectContaining({ name: 'ReceiptError', code: 'invalid_json' }),
    );
  });

  it('throws invalid_json for a cycle', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(ReceiptError);
  });
});

describe('sha256B64url', () => {
  it('hashes strings as UTF-8 and bytes as given', async () => {
    expect(await sha256B64url('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
    expect(await sha256B64url(new Uint8Array([0x61, 0x62, 0x63]))).toBe(
      'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0',
    );
    expect(await sha256B64url('')).toBe('47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU');
  });
});

describe('hashAction', () => {
  it('is base64url SHA-256 of JCS(action), independent of key order', async () => {
    const expected = 'saNXwokzVvXmzkBkwL2kBridq1YY26Gzs5UnuSpNI6c';
    expect(
      await hashAction({ type: 'wire.transfer', amount: '1250.00', currency: 'EUR', to: 'DE89…' }),
    ).toBe(expected);
    expect(
      await hashAction({ to: 'DE89…', currency: 'EUR', amount: '1250.00', type: 'wire.transfer' }),
    ).toBe(expected);
  });

  it('hashes the RFC 8785 examples to the independently computed values', async () => {
    expect(
      await hashAction(
        JSON.parse(
          String.raw`{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/","literals":[null,true,false]}`,
        ),
      ),
    ).toBe('LV4BoxjQ8IeatWjEviicix9k74khpTxid9XgaZeLqss');
    expect(
      await hashAction(
        JSON.parse(
          String.raw`{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}`,
        ),
      ),
    ).toBe('XjIVVtIgGKllaZGp6U937BdfoZPlKiQp0xL4QZ7IsIw');
  });

  it('changes when any byte of the action changes', async () => {
    const a = await hashAction({ type: 'wire.transfer', amount: '1250.00' });
    const b = await hashAction({ type: 'wire.transfer', amount: '1250.01' });
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
  });

  it('rejects an action with no JSON form', async () => {
    await expect(hashAction({ amount: NaN })).rejects.toMatchObject({ code: 'invalid_json' });
  });
});

describe('statement', () => {
  const statement: Statement = {
    v: 1,
    iss: 'https://approve.example.com',
    aud: 'payments-api',
    sub: 'u-123',
    act: 'saNXwokzVvXmzkBkwL2kBridq1YY26Gzs5UnuSpNI6c',
    nonce: 'AAECAwQFBgcICQoLDA0ODw',
  };

  it('challenge is base64url SHA-256 of JCS(statement)', async () => {
    const jcs =
      '{"act":"saNXwokzVvXmzkBkwL2kBridq1YY26Gzs5UnuSpNI6c","aud":"payments-api","iss":"https://approve.example.com",' +
      '"nonce":"AAECAwQFBgcICQoLDA0ODw","sub":"u-123","v":1}';
    expect(canonicalJson(statement)).toBe(jcs);
    expect(await statementChallenge(statement)).toBe(await sha256B64url(jcs));
  });

  it('is rebuilt from receipt claims, ignoring every other claim', async () => {
    const claims: ReceiptClaims = {
      iss: statement.iss,
      sub: statement.sub,
      aud: statement.aud,
      iat: 1_700_000_000,
      exp: 1_700_000_300,
      jti: 'j',
      act: statement.act,
      act_type: 'wire.transfer',
      nonce: statement.nonce,
      uv: true,
      cred: { id: 'c', aaguid: 'a', device_bound: true, backed_up: false },
      pol: 'p',
    };
    const rebuilt = statementFromClaims(claims);
    expect(rebuilt).toEqual(statement);
    expect(Object.keys(rebuilt).sort()).toEqual(['act', 'aud', 'iss', 'nonce', 'sub', 'v']);
    expect(await statementChallenge(rebuilt)).toBe(await statementChallenge(statement));
    expect(await statementChallenge({ ...rebuilt, sub: 'u-124' })).not.toBe(
      await statementChallenge(statement),
    );
  });
});

describe('randomId', () => {
  it('gives 128 bits by default, base64url, never repeating', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => randomId()));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(randomId(32)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses a nonsensical size', () => {
    expect(() => randomId(0)).toThrow(RangeError);
    expect(() => randomId(1.5)).toThrow(RangeError);
  });
});
