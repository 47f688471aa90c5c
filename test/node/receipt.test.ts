import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  hashAction,
  ReceiptError,
  statementChallenge,
  verifyReceipt,
  type ReceiptAlg,
  type ReceiptClaims,
  type SigningKeySet,
  type Statement,
  type VerifyReceiptOptions,
} from '../../packages/psea/src/receipt/index.ts';
import { loadSigningKeys } from '../../worker/receipts/signing-keys.ts';
import { randomId } from '../../worker/lib/random-id.ts';
import { signReceipt } from '../../worker/receipts/sign-receipt.ts';

const ISS = 'https://approve.example.com';
const AUD = 'payments-api';
const NOW = 1_800_000_000; // seconds; every test passes its clock
const ACTION = { type: 'wire.transfer', amount: '1250.00', currency: 'EUR', to: 'DE89…' };
const SUB = 'u-123';

function privateJwk(alg: ReceiptAlg): JsonWebKey {
  const pair =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('ed25519');
  return pair.privateKey.export({ format: 'jwk' });
}

async function keySet(...jwks: JsonWebKey[]): Promise<SigningKeySet> {
  return loadSigningKeys(JSON.stringify({ keys: jwks }));
}

async function claimsFor(statement: Statement, iat = NOW): Promise<ReceiptClaims> {
  return {
    iss: statement.iss,
    sub: statement.sub,
    aud: statement.aud,
    iat,
    exp: iat + 300,
    jti: randomId(),
    act: statement.act,
    act_type: ACTION.type,
    nonce: statement.nonce,
    uv: true,
    cred: {
      id: 'cred-1',
      aaguid: '00000000-0000-0000-0000-000000000000',
      device_bound: true,
      backed_up: false,
    },
  };
}

async function statementFor(): Promise<Statement> {
  return { v: 1, iss: ISS, aud: AUD, sub: SUB, act: await hashAction(ACTION), nonce: randomId() };
}

/** A backend's options: this user and this action (or the given actionHash instead), unless `extra` says otherwise. */
function options(
  keys: SigningKeySet,
  extra: Partial<VerifyReceiptOptions> = {},
): VerifyReceiptOptions {
  const action = 'actionHash' in extra ? {} : { action: ACTION };
  // A cast: the tests build every mix of options, the invalid ones too.
  return {
    jwks: keys.jwks,
    issuer: ISS,
    audience: AUD,
    subject: SUB,
    ...action,
    now: new Date(NOW * 1000 + 10_000),
    ...extra,
  } as VerifyReceiptOptions;
}

async function failure(promise: Promise<unknown>): Promise<ReceiptError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ReceiptError);
  return err as ReceiptError;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe.each(['ES256', 'EdDSA'] as const)('%s round trip', (alg) => {
  it('signs with header {alg, kid, typ} and verifies with the action', async () => {
    const keys = await keySet(privateJwk(alg));
    const statement = await statementFor();
    const claims = await claimsFor(statement);
    const token = await signReceipt(claims, keys.signer);

    expect(decodeProtectedHeader(token)).toEqual({
      alg,
      kid: keys.signer.kid,
      typ: 'psea-receipt+jwt',
    });

    const result = await verifyReceipt(token, options(keys, { action: ACTION }));
    expect(result.claims).toEqual(claims);
    await expect(
      verifyReceipt(token, options(keys, { actionHash: statement.act })),
    ).resolves.toMatchObject({ claims });
    expect(result.header).toEqual({ alg, kid: keys.signer.kid, typ: 'psea-receipt+jwt' });
    expect(result.statement).toEqual(statement);
    // The claims rebuild the challenge the passkey signed.
    expect(await statementChallenge(result.statement)).toBe(await statementChallenge(statement));
  });
});

describe('verifyReceipt', () => {
  it('keeps verifying receipts from a retired key after rotation', async () => {
    const oldJwk = privateJwk('ES256');
    const newJwk = privateJwk('EdDSA');
    const before = await keySet(oldJwk);
    const after = await keySet(newJwk, oldJwk);
    const statement = await statementFor();

    const oldToken = await signReceipt(await claimsFor(statement), before.signer);
    const newToken = await signReceipt(await claimsFor(statement), after.signer);

    expect(after.signer.kid).not.toBe(before.signer.kid);
    expect(after.jwks.keys.map((k) => k.kid)).toEqual([after.signer.kid, before.signer.kid]);
    await expect(verifyReceipt(oldToken, options(after))).resolves.toMatchObject({
      header: { kid: before.signer.kid },
    });
    await expect(verifyReceipt(newToken, options(after))).resolves.toMatchObject({
      header: { kid: after.signer.kid },
    });
    // A verifier that has not picked up the new key yet does not guess.
    expect((await failure(verifyReceipt(newToken, options(before)))).code).toBe('key_unknown');
  });

  it('honours clockTolerance (default 5 s) on exp', async () => {
    const keys = await keySet(privateJwk('ES256'));
    const token = await signReceipt(await claimsFor(await statementFor()), keys.signer);
    const justAfterExp = new Date((NOW + 300 + 3) * 1000);
    await expect(verifyReceipt(token, options(keys, { now: justAfterExp }))).resolves.toBeDefined();
    expect(
      (await failure(verifyReceipt(token, options(keys, { now: justAfterExp, clockTolerance: 0 }))))
        .code,
    ).toBe('expired');
    // `now` may also be given in milliseconds.
    expect(
      (await failure(verifyReceipt(token, options(keys, { now: (NOW + 400) * 1000 })))).code,
    ).toBe('expired');
  });

  it('enforces maxAge against iat', async () => {
    const keys = await keySet(privateJwk('ES256'));
    const token = await signReceipt(await claimsFor(await statementFor()), keys.signer);
    const later = new Date((NOW + 120) * 1000);
    await expect(
      verifyReceipt(token, options(keys, { now: later, maxAge: 200 })),
    ).resolves.toBeDefined();
    expect(
      (await failure(verifyReceipt(token, options(keys, { now: later, maxAge: 60 })))).code,
    ).toBe('expired');
  });

  it('fetches a jwksUrl once and reuses it', async () => {
    const keys = await keySet(privateJwk('ES256'));
    const token = await signReceipt(await claimsFor(await statementFor()), keys.signer);
    const url = new URL(`https://issuer-${randomId()}.example/.well-known/jwks.json`).href;
    const calls: string[] = [];
    vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
      calls.push(String(input instanceof Request ? input.url : input));
      return Response.json(keys.jwks);
    });

    const opts = {
      issuer: ISS,
      audience: AUD,
      subject: SUB,
      action: ACTION,
      jwksUrl: url,
      now: new Date(NOW * 1000),
    };
    await expect(verifyReceipt(token, opts)).resolves.toBeDefined();
    await expect(verifyReceipt(token, { ...opts, jwksUrl: new URL(url) })).resolves.toBeDefined();
    expect(calls).toEqual([url]);
  });

  it('reports an unreachable jwksUrl as jwks_unavailable', async () => {
    const keys = await keySet(privateJwk('ES256'));
    const token = await signReceipt(await claimsFor(await statementFor()), keys.signer);
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('network down');
    });
    const url = `https://down-${randomId()}.example/jwks.json`;
    const err = await failure(
      verifyReceipt(token, {
        issuer: ISS,
        audience: AUD,
        subject: SUB,
        action: ACTION,
        jwksUrl: url,
        now: NOW * 1000,
      }),
    );
    expect(err.code).toBe('jwks_unavailable');

    vi.stubGlobal('fetch', async () => new Response('nope', { status: 500 }));
    const url2 = `https://error-${randomId()}.example/jwks.json`;
    expect(
      (
        await failure(
          verifyReceipt(token, {
            issuer: ISS,
            audience: AUD,
            subject: SUB,
            action: ACTION,
            jwksUrl: url2,
            now: NOW * 1000,
          }),
        )
      ).code,
    ).toBe('jwks_unavailable');
  });

  it('rejects options that cannot work, before looking at the token', async () => {
    const keys = await keySet(privateJwk('ES256'));
    const token = await signReceipt(await claimsFor(await statementFor()), keys.signer);
    const base = {
      issuer: ISS,
      audience: AUD,
      subject: SUB,
      action: ACTION as unknown,
      now: NOW * 1000,
    };
    const cases: VerifyReceiptOptions[] = [
      base,
      { ...base, jwks: keys.jwks, jwksUrl: 'https://x.example/jwks.json' },
      { ...base, jwksUrl: 'http://x.example/jwks.json' },
      { ...base, jwksUrl: 'not a url' },
      { ...base, jwks: { keys: 'nope' } as never },
      { ...base, jwks: keys.jwks, issuer: '' },
      { ...base, jwks: keys.jwks, audience: undefined as never },
      { ...base, jwks: keys.jwks, action: undefined },
      { ...base, jwks: keys.jwks, action: false, actionHash: undefined },
      { ...base, jwks: keys.jwks, maxAge: -1 },
      { ...base, jwks: keys.jwks, clockTolerance: Number.NaN },
      { ...base, jwks: keys.jwks, now: new Date('nonsense') },
    ];
    for (const opts of cases) {
      expect((await failure(verifyReceipt(token, opts))).code, JSON.stringify(opts)).toBe(
        'invalid_options',
      );
    }
    // An action with no JSON form is the caller's bug, reported as such.
    expect(
      (await failure(verifyReceipt(token, { ...base, jwks: keys.jwks, action: { n: NaN } }))).code,
    ).toBe('invalid_json');
    // Loopback http is allowed for local development.
    vi.stubGlobal('fetch', async () => Response.json(keys.jwks));
    await expect(
      verifyReceipt(token, { ...base, jwksUrl: `http://localhost:8787/${randomId()}` }),
    ).resolves.toBeDefined();
  });

  it('refuses a JWKS carrying private keys', async () => {
    const jwk = privateJwk('ES256');
    const keys = await keySet(jwk);
    const token = await signReceipt(await claimsFor(await statementFor()), keys.signer);
    const leaky = { keys: [{ ...jwk, kid: keys.signer.kid, alg: 'ES256' }] };
    expect((await failure(verifyReceipt(token, { ...options(keys), jwks: leaky }))).code).toBe(
      'invalid_options',
    );
  });
});
