/**
 * verifyReceipt against forged, bent and replayed-out-of-context tokens.
 * Every case must fail with a specific code, and no error may echo the token.
 */
import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import {
  base64url,
  calculateJwkThumbprint,
  CompactSign,
  exportJWK,
  generateKeyPair,
  importJWK,
  type CompactJWSHeaderParameters,
} from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  hashAction,
  ReceiptError,
  verifyReceipt,
  type ReceiptClaims,
  type ReceiptErrorCode,
  type SigningKeySet,
  type VerifyReceiptOptions,
} from '../../packages/psea/src/receipt/index.ts';
import { loadSigningKeys } from '../../worker/receipts/signing-keys.ts';
import { randomId } from '../../worker/lib/random-id.ts';
import { signReceipt } from '../../worker/receipts/sign-receipt.ts';

const ISS = 'https://approve.example.com';
const AUD = 'payments-api';
const NOW = 1_800_000_000;
const ACTION = { type: 'wire.transfer', amount: '1250.00', currency: 'EUR', to: 'DE89…' };
const utf8 = new TextEncoder();

let es: SigningKeySet;
let ed: SigningKeySet;
let both: SigningKeySet;
let esPublic: JsonWebKey;
let act: string;
const seenErrors: { token: string; err: ReceiptError }[] = [];

beforeAll(async () => {
  const esJwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
    format: 'jwk',
  });
  const edJwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  es = await loadSigningKeys(JSON.stringify({ keys: [esJwk] }));
  ed = await loadSigningKeys(JSON.stringify({ keys: [edJwk] }));
  both = await loadSigningKeys(JSON.stringify({ keys: [esJwk, edJwk] }));
  esPublic = { ...es.jwks.keys[0]! };
  act = await hashAction(ACTION);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

afterAll(() => {
  // No failure message ever carries the token or any of its parts.
  expect(seenErrors.length).toBeGreaterThan(20);
  for (const { token, err } of seenErrors) {
    for (const part of String(token)
      .split('.')
      .filter((p) => p.length > 8))
      expect(err.message).not.toContain(part);
  }
});

function claims(
  overrides: Partial<Record<keyof ReceiptClaims | 'nbf', unknown>> = {},
): ReceiptClaims {
  const base: Record<string, unknown> = {
    iss: ISS,
    sub: 'u-123',
    aud: AUD,
    iat: NOW,
    exp: NOW + 300,
    jti: randomId(),
    act,
    act_type: ACTION.type,
    nonce: randomId(),
    uv: true,
    cred: {
      id: 'cred-1',
      aaguid: '00000000-0000-0000-0000-000000000000',
      device_bound: true,
      backed_up: false,
    },
  };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete base[k];
    else base[k] = v;
  }
  return base as unknown as ReceiptClaims;
}

/** A backend's options: user u-123 and this action (or the given actionHash instead), unless `extra` says otherwise. */
function opts(extra: Partial<VerifyReceiptOptions> = {}): VerifyReceiptOptions {
  const action = 'actionHash' in extra ? {} : { action: ACTION };
  // A cast: the tests build every mix of options, the invalid ones too.
  return {
    jwks: both.jwks,
    issuer: ISS,
    audience: AUD,
    subject: 'u-123',
    ...action,
    now: new Date(NOW * 1000 + 10_000),
    ...extra,
  } as VerifyReceiptOptions;
}

async function rejectsWith(
  token: string,
  code: ReceiptErrorCode,
  extra: Partial<VerifyReceiptOptions> = {},
): Promise<void> {
  const err = await verifyReceipt(token, opts(extra)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'must fail').toBeInstanceOf(ReceiptError);
  expect((err as ReceiptError).code).toBe(code);
  seenErrors.push({ token, err: err as ReceiptError });
}

function b64json(value: unknown): string {
  return base64url.encode(utf8.encode(JSON.stringify(value)));
}

async function forge(
  header: CompactJWSHeaderParameters,
  payload: unknown,
  key: CryptoKey | Uint8Array,
): Promise<string> {
  return new CompactSign(utf8.encode(JSON.stringify(payload))).setProtectedHeader(header).sign(key);
}

function header(
  keys: SigningKeySet,
  extra: Record<string, unknown> = {},
): CompactJWSHeaderParameters {
  return { alg: keys.signer.alg, kid: keys.signer.kid, typ: 'psea-receipt+jwt', ...extra };
}

/** Raw r||s (64 bytes) to ASN.1 DER, as a careless signer might emit. */
function derFromRaw(raw: Uint8Array): Uint8Array {
  const int = (bytes: Uint8Array): number[] => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    const trimmed = [...bytes.slice(i)];
    return trimmed[0]! & 0x80 ? [0, ...trimmed] : trimmed;
  };
  const r = int(raw.slice(0, 32));
  const s = int(raw.slice(32));
  const body = [0x02, r.length, ...r, 0x02, s.length, ...s];
  return new Uint8Array([0x30, body.length, ...body]);
}

describe('verifyReceipt refuses', () => {
  it('sanity: the unbent tokens verify', async () => {
    await expect(
      verifyReceipt(await signReceipt(claims(), es.signer), opts({ action: ACTION })),
    ).resolves.toBeDefined();
    await expect(
      verifyReceipt(await signReceipt(claims(), ed.signer), opts({ actionHash: act })),
    ).resolves.toBeDefined();
  });

  it('alg "none"', async () => {
    const token = `${b64json({ alg: 'none', kid: es.signer.kid, typ: 'psea-receipt+jwt' })}.${b64json(claims())}.`;
    await rejectsWith(token, 'alg_not_allowed');
  });

  it('HS256 keyed with the public key (JWK JSON, PEM-less x coordinate)', async () => {
    const secrets = [
      utf8.encode(JSON.stringify(esPublic)),
      base64url.decode(esPublic.x!),
      utf8.encode(esPublic.x!),
    ];
    for (const secret of secrets) {
      await rejectsWith(
        await forge(
          { alg: 'HS256', kid: es.signer.kid, typ: 'psea-receipt+jwt' },
          claims(),
          secret,
        ),
        'alg_not_allowed',
      );
    }
  });

  it('an attacker key embedded as a "jwk" header', async () => {
    const attacker = await generateKeyPair('ES256', { extractable: true });
    const attackerJwk = await exportJWK(attacker.publicKey);
    const attackerKid = await calculateJwkThumbprint(attackerJwk);
    // Claiming the real kid: the real key checks the signature, which fails.
    await rejectsWith(
      await forge(header(es, { jwk: attackerJwk }), claims(), attacker.privateKey),
      'signature_invalid',
    );
    // Claiming its own kid: no such key in the set.
    await rejectsWith(
      await forge(
        header(es, { kid: attackerKid, jwk: attackerJwk }),
        claims(),
        attacker.privateKey,
      ),
      'key_unknown',
    );
    // No kid at all: not "try the embedded key".
    const { kid: _kid, ...noKid } = header(es, { jwk: attackerJwk });
    await rejectsWith(await forge(noKid, claims(), attacker.privateKey), 'malformed');
  });

  it('"jku", "x5u" and "x5c" headers, without fetching anything', async () => {
    const fetches: string[] = [];
    vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
      fetches.push(String(input));
      throw new Error('no fetch allowed');
    });
    const attacker = await generateKeyPair('ES256', { extractable: true });
    const attackerKid = await calculateJwkThumbprint(await exportJWK(attacker.publicKey));
    const evil = {
      jku: 'https://evil.example/jwks.json',
      x5u: 'https://evil.example/cert.pem',
      x5c: ['MIIB'],
    };
    await rejectsWith(
      await forge(header(es, { ...evil, kid: attackerKid }), claims(), attacker.privateKey),
      'key_unknown',
    );
    await rejectsWith(
      await forge(header(es, evil), claims(), attacker.privateKey),
      'signature_invalid',
    );
    // The same headers on a genuine receipt are simply ignored.
    await expect(
      verifyReceipt(await forge(header(es, evil), claims(), es.signer.key), opts()),
    ).resolves.toBeDefined();
    expect(fetches).toEqual([]);
  });

  it('"jku" with a jwksUrl configured: only the configured URL is fetched', async () => {
    const fetches: string[] = [];
    const good = new URL(`https://issuer-${randomId()}.example/jwks.json`).href;
    vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
      fetches.push(String(input));
      return Response.json(String(input) === good ? es.jwks : { keys: [] });
    });
    const attacker = await generateKeyPair('ES256', { extractable: true });
    const token = await forge(
      header(es, { jku: 'https://evil.example/jwks.json' }),
      claims(),
      attacker.privateKey,
    );
    await rejectsWith(token, 'signature_invalid', { jwks: undefined, jwksUrl: good });
    expect(fetches).toEqual([good]);
  });

  it('an unknown kid', async () => {
    await rejectsWith(
      await forge(header(es, { kid: 'someone-else' }), claims(), es.signer.key),
      'key_unknown',
    );
  });

  it('a kid whose key has another alg', async () => {
    // EdDSA header, ES256 key's kid: the set has no EdDSA key under that kid.
    await rejectsWith(
      await forge(
        { alg: 'EdDSA', kid: es.signer.kid, typ: 'psea-receipt+jwt' },
        claims(),
        ed.signer.key,
      ),
      'key_unknown',
    );
  });

  it('a wrong issuer or audience', async () => {
    await rejectsWith(
      await signReceipt(claims({ iss: 'https://evil.example' }), es.signer),
      'issuer_mismatch',
    );
    await rejectsWith(
      await signReceipt(claims({ aud: 'other-api' }), es.signer),
      'audience_mismatch',
    );
    await rejectsWith(await signReceipt(claims(), es.signer), 'issuer_mismatch', {
      issuer: 'https://other.example',
    });
    await rejectsWith(await signReceipt(claims(), es.signer), 'audience_mismatch', {
      audience: 'other-api',
    });
    // An audience list containing ours is still not "this audience".
    await rejectsWith(
      await signReceipt(claims({ aud: [AUD, 'other-api'] }), es.signer),
      'claim_invalid',
    );
  });

  it('an expired receipt, and one past maxAge', async () => {
    const token = await signReceipt(claims(), ed.signer);
    await rejectsWith(token, 'expired', { now: new Date((NOW + 306) * 1000) });
    await rejectsWith(token, 'expired', { now: new Date((NOW + 100) * 1000), maxAge: 60 });
  });

  it('nbf or iat in the future', async () => {
    await rejectsWith(await signReceipt(claims({ nbf: NOW + 60 }), es.signer), 'not_yet_valid');
    const future = await signReceipt(claims({ iat: NOW + 60, exp: NOW + 360 }), es.signer);
    await rejectsWith(future, 'not_yet_valid');
    await rejectsWith(future, 'not_yet_valid', { maxAge: 300 });
  });

  it('a tampered payload with the original signature', async () => {
    for (const keys of [es, ed]) {
      const [h, p, s] = (await signReceipt(claims(), keys.signer)).split('.');
      const payload = JSON.parse(new TextDecoder().decode(base64url.decode(p!)));
      payload.sub = 'u-999';
      await rejectsWith(`${h}.${b64json(payload)}.${s}`, 'signature_invalid');
    }
  });

  it('a receipt for another action', async () => {
    const token = await signReceipt(claims(), es.signer);
    await rejectsWith(token, 'action_mismatch', { action: { ...ACTION, amount: '9999.00' } });
    await rejectsWith(token, 'action_mismatch', {
      actionHash: await hashAction({ ...ACTION, to: 'GB00…' }),
    });
    await rejectsWith(token, 'action_mismatch', { actionHash: '' });
  });

  it('an ECDSA signature in DER instead of raw r||s', async () => {
    const [h, p, s] = (await signReceipt(claims(), es.signer)).split('.');
    const der = derFromRaw(base64url.decode(s!));
    expect(der[0]).toBe(0x30);
    await rejectsWith(`${h}.${p}.${base64url.encode(der)}`, 'signature_invalid');
  });

  it('an all-zero signature (r = s = 0)', async () => {
    for (const keys of [es, ed]) {
      const [h, p] = (await signReceipt(claims(), keys.signer)).split('.');
      await rejectsWith(`${h}.${p}.${base64url.encode(new Uint8Array(64))}`, 'signature_invalid');
    }
  });

  it('a wrong or missing typ', async () => {
    await rejectsWith(
      await forge(header(es, { typ: 'JWT' }), claims(), es.signer.key),
      'typ_invalid',
    );
    await rejectsWith(
      await forge(header(es, { typ: 'at+jwt' }), claims(), es.signer.key),
      'typ_invalid',
    );
    const { typ: _typ, ...noTyp } = header(es);
    await rejectsWith(await forge(noTyp, claims(), es.signer.key), 'typ_invalid');
  });

  it.each([
    ['no cred', { cred: undefined }],
    ['cred without device_bound', { cred: { id: 'c', aaguid: 'a', backed_up: false } }],
    [
      'cred.backed_up as a string',
      { cred: { id: 'c', aaguid: 'a', device_bound: true, backed_up: 'false' } },
    ],
    [
      'cred.enrolled_at as a string',
      {
        cred: {
          id: 'c',
          aaguid: 'a',
          device_bound: true,
          backed_up: false,
          enrolled_at: '2026-11-22',
        },
      },
    ],
    ['uv false', { uv: false }],
    ['uv "true"', { uv: 'true' }],
    ['no jti', { jti: undefined }],
    ['no sub', { sub: undefined }],
    ['no exp', { exp: undefined }],
    ['exp as a string', { exp: String(NOW + 300) }],
    ['exp before iat', { exp: NOW - 1, iat: NOW }],
    ['act of the wrong length', { act: 'abc' }],
    ['act as a number', { act: 42 }],
    ['no act_type', { act_type: undefined }],
    ['a short nonce', { nonce: 'abc' }],
    ['pol as a number', { pol: 1 }],
    ['dsp of the wrong length', { dsp: 'abc' }],
    ['dsp as a number', { dsp: 42 }],
    ['dsp with a character outside base64url', { dsp: `${'A'.repeat(42)}=` }],
    ['offline as a string', { offline: 'true' }],
    ['offline as 1', { offline: 1 }],
    ['signed_at as a string', { signed_at: String(NOW) }],
    ['signed_at as null', { signed_at: null }],
  ] as const)('a receipt with %s', async (_name, overrides) => {
    await rejectsWith(await signReceipt(claims(overrides as never), es.signer), 'claim_invalid', {
      now: new Date(NOW * 1000),
    });
  });

  it('garbage that is not a compact JWS', async () => {
    const [h, p, s] = (await signReceipt(claims(), es.signer)).split('.');
    for (const token of [
      '',
      'abc',
      `${h}.${p}`,
      `${h}.${p}.${s}.x`,
      `${b64json('str')}.${p}.${s}`,
      `!!.${p}.${s}`,
      'a'.repeat(20_000),
    ]) {
      await rejectsWith(token, 'malformed');
    }
    // The payload is only parsed after the signature over its bytes verified.
    await rejectsWith(`${h}.!!!.${s}`, 'signature_invalid');
    // A JSON array payload, validly signed.
    await rejectsWith(await forge(header(es), [1, 2], es.signer.key), 'malformed');
    // An unknown critical header, validly signed.
    // (jose will not sign one, so the signature is made by hand.)
    const input = `${b64json(header(es, { crit: ['exp-x'], 'exp-x': 1 }))}.${b64json(claims())}`;
    const sig = await crypto.subtle.sign(
      { name: 'ECDSA', hash: 'SHA-256' },
      es.signer.key,
      utf8.encode(input),
    );
    await rejectsWith(`${input}.${base64url.encode(new Uint8Array(sig))}`, 'malformed');
  });

  it('a non-string token, as a ReceiptError', async () => {
    await rejectsWith(42 as unknown as string, 'malformed');
  });

  it('an EdDSA token verified against a set where only an ES256 key has the kid (no cross-alg confusion)', async () => {
    const pub = await importJWK({ ...ed.jwks.keys[0]! }, 'EdDSA');
    expect((pub as CryptoKey).type).toBe('public');
    const token = await forge(
      { alg: 'ES256', kid: ed.signer.kid, typ: 'psea-receipt+jwt' },
      claims(),
      es.signer.key,
    );
    await rejectsWith(token, 'key_unknown');
  });
});
