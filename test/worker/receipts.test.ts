/** Receipts: the JWKS, the token's header and claims, and single-use redemption. */
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:test';
import { SignJWT, calculateJwkThumbprint, decodeProtectedHeader } from 'jose';
import {
  statementChallenge,
  statementFromClaims,
  verifyReceipt,
  type ReceiptClaims,
} from '../../packages/psea/src/receipt/index';
import { loadSigningKeys } from '../../worker/receipts/signing-keys';
import { signReceipt } from '../../worker/receipts/sign-receipt';
import {
  BASE,
  assertion,
  call,
  details,
  expectProblem,
  pendingApproval,
  requestAction,
  verify,
} from './harness';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

function payload(jwt: string): ReceiptClaims {
  const part = jwt.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
  return JSON.parse(atob(part));
}

/** An approved action: its receipt, statement and request options. */
async function approved() {
  const p = await pendingApproval();
  const d = await details(p.ticket);
  const r = await verify(p.ticket, await p.auth.assert(d.body.options, { origin: BASE }));
  expect(r.status).toBe(200);
  return {
    ...p,
    receipt: r.body.receipt as string,
    statement: d.body.statement,
    options: d.body.options,
  };
}

function redeem(receipt: string, audience = 'payments-api') {
  return call('POST', '/v1/receipts/redeem', { receipt, audience });
}

async function claimsFor(overrides: Partial<ReceiptClaims>): Promise<ReceiptClaims> {
  const { receipt } = await approved();
  return { ...payload(receipt), jti: crypto.randomUUID().replace(/-/g, ''), ...overrides };
}

describe('GET /.well-known/jwks.json', () => {
  it('publishes both keys, public members only, cacheable for 300 s', async () => {
    const r = await call('GET', '/.well-known/jwks.json', undefined, { auth: false });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/json/);
    expect(r.headers.get('cache-control')).toMatch(/max-age=300\b/);
    const { keys } = r.body;
    expect(keys).toHaveLength(2);
    for (const k of keys) {
      expect(k.use).toBe('sig');
      expect(['ES256', 'EdDSA']).toContain(k.alg);
      expect(typeof k.kid).toBe('string');
      for (const m of PRIVATE_MEMBERS) expect(k).not.toHaveProperty(m);
    }
    const configured = JSON.parse(env.RECEIPT_SIGNING_KEYS!).keys;
    expect(keys[0]).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      alg: 'ES256',
      kid: 'test-es256',
      x: configured[0].x,
      y: configured[0].y,
    });
    const edPublic = { kty: 'OKP', crv: 'Ed25519', x: configured[1].x };
    expect(keys[1]).toMatchObject({
      ...edPublic,
      alg: 'EdDSA',
      kid: await calculateJwkThumbprint(edPublic, 'sha256'),
    });
    // No secret text anywhere in the document.
    const text = JSON.stringify(r.body);
    for (const c of configured) expect(text).not.toContain(c.d);
  });
});

describe('the receipt', () => {
  it('header, claims, lifetime, jti, and the statement it rebuilds', async () => {
    const a = await approved();
    const header = decodeProtectedHeader(a.receipt);
    expect(header).toEqual({ alg: 'ES256', kid: 'test-es256', typ: 'psea-receipt+jwt' });
    const claims = payload(a.receipt);
    expect(claims).toMatchObject({
      iss: BASE,
      sub: a.userId,
      aud: 'payments-api',
      act: a.actionHash,
      act_type: 'wire.transfer',
      dsp: a.dsp,
      nonce: a.statement.nonce,
      uv: true,
      pol: 'default',
    });
    expect(claims.cred).toMatchObject({
      id: a.auth.credentialId,
      aaguid: '00000000-0000-0000-0000-000000000000',
      device_bound: true,
      backed_up: false,
    });
    expect(claims.exp).toBe(claims.iat + 300);
    expect(Math.abs(claims.iat - Date.now() / 1000)).toBeLessThan(60);
    // jti: at least 128 random bits, unique.
    const jtiBytes = atob(claims.jti.replace(/-/g, '+').replace(/_/g, '/')).length;
    expect(jtiBytes).toBeGreaterThanOrEqual(16);
    const b = await approved();
    expect(payload(b.receipt).jti).not.toBe(claims.jti);

    // It verifies against the published JWKS, and its claims rebuild the signed challenge.
    const jwks = (await call('GET', '/.well-known/jwks.json', undefined, { auth: false })).body;
    const verified = await verifyReceipt(a.receipt, {
      jwks,
      issuer: BASE,
      audience: 'payments-api',
      subject: a.userId,
      actionHash: a.actionHash,
    });
    expect(verified.claims).toEqual(claims);
    const rebuilt = statementFromClaims(claims);
    expect(rebuilt).toEqual(a.statement);
    expect(await statementChallenge(rebuilt)).toBe(a.options.challenge);
    expect(a.statement.v).toBe(1);
  });
});

describe('POST /v1/receipts/redeem', () => {
  it('200 with the claims the first time, 409 receipt_redeemed after', async () => {
    const a = await approved();
    const first = await redeem(a.receipt);
    expect(first.status).toBe(200);
    expect(first.body.claims).toEqual(payload(a.receipt));
    expectProblem(await redeem(a.receipt), 409, 'receipt_redeemed');
    // Concurrent redemptions of one receipt: one winner.
    const b = await approved();
    const replies = await Promise.all(Array.from({ length: 20 }, () => redeem(b.receipt)));
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of replies) if (r.status !== 200) expectProblem(r, 409, 'receipt_redeemed');
  });

  it('spends an offline receipt like any other: redeem acts for no user and compares no action', async () => {
    // The route checks the token alone (verify-token.ts); were it verifyReceipt without allowOffline,
    // an offline approval could never be spent. Its backend still checks subject, action and offline.
    const { signer } = await loadSigningKeys(env.RECEIPT_SIGNING_KEYS!);
    const now = Math.floor(Date.now() / 1000);
    const offline = await signReceipt(
      await claimsFor({ iat: now, exp: now + 300, offline: true, signed_at: now - 60 }),
      signer,
    );
    const first = await redeem(offline);
    expect(first.status).toBe(200);
    expect(first.body.claims).toMatchObject({ offline: true, signed_at: now - 60 });
    expectProblem(await redeem(offline), 409, 'receipt_redeemed');
    // A claim of the wrong type is still refused.
    const bent = await signReceipt(
      await claimsFor({ iat: now, exp: now + 300, dsp: 'short' }),
      signer,
    );
    expectProblem(await redeem(bent), 401, 'receipt_invalid');
  });

  it('a failed redeem (wrong audience) does not spend the receipt', async () => {
    const a = await approved();
    expectProblem(await redeem(a.receipt, 'other-api'), 401, 'receipt_invalid');
    expect((await redeem(a.receipt)).status).toBe(200);
  });

  it('401 receipt_invalid: tampered, truncated, garbage, alg none', async () => {
    const { receipt } = await approved();
    const [h, p, s] = receipt.split('.') as [string, string, string];
    const flipped = s.slice(0, 10) + (s[10] === 'A' ? 'B' : 'A') + s.slice(11);
    const claims = payload(receipt);
    const b64 = (o: unknown) =>
      btoa(JSON.stringify(o)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const cases = [
      `${h}.${p}.${flipped}`,
      `${h}.${b64({ ...claims, sub: 'someone-else' })}.${s}`,
      `${h}.${b64({ ...claims, aud: 'other-api' })}.${s}`,
      `${b64({ alg: 'none', typ: 'psea-receipt+jwt', kid: 'test-es256' })}.${p}.`,
      `${b64({ alg: 'HS256', typ: 'psea-receipt+jwt', kid: 'test-es256' })}.${p}.${s}`,
      `${h}.${p}`,
      `${h}.${p}.`,
      'garbage',
      'a.b.c',
      '....',
    ];
    for (const c of cases) expectProblem(await redeem(c), 401, 'receipt_invalid');
    // The untouched receipt still redeems.
    expect((await redeem(receipt)).status).toBe(200);
  });

  it('401 receipt_invalid: signed by a foreign key under our kid', async () => {
    const foreign = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const jwk = (await crypto.subtle.exportKey('jwk', foreign.privateKey)) as JsonWebKey;
    const { signer } = await loadSigningKeys(
      JSON.stringify({ keys: [{ ...jwk, kid: 'test-es256', alg: 'ES256' }] }),
    );
    const forged = await signReceipt(await claimsFor({}), signer);
    expectProblem(await redeem(forged), 401, 'receipt_invalid');
  });

  it('401 receipt_invalid: an expired receipt signed with the configured key', async () => {
    const { signer } = await loadSigningKeys(env.RECEIPT_SIGNING_KEYS!);
    const now = Math.floor(Date.now() / 1000);
    const expired = await signReceipt(
      await claimsFor({ iat: now - 3600, exp: now - 1800 }),
      signer,
    );
    expectProblem(await redeem(expired), 401, 'receipt_invalid');
    // The same claims, unexpired and signed the same way, do redeem: the key and claims were right.
    const fresh = await signReceipt(await claimsFor({ iat: now, exp: now + 300 }), signer);
    expect((await redeem(fresh)).status).toBe(200);
  });

  it('401 receipt_invalid: a wrong issuer or typ, even with the configured key', async () => {
    const { signer } = await loadSigningKeys(env.RECEIPT_SIGNING_KEYS!);
    const wrongIss = await signReceipt(await claimsFor({ iss: 'https://evil.example' }), signer);
    expectProblem(await redeem(wrongIss), 401, 'receipt_invalid');
    const wrongTyp = await new SignJWT({ ...(await claimsFor({})) })
      .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'JWT' })
      .sign(signer.key);
    expectProblem(await redeem(wrongTyp), 401, 'receipt_invalid');
  });

  it('the receipt of one action cannot be passed off for another: act differs', async () => {
    const a = await approved();
    const other = await requestAction(a.userId, {
      action: { type: 'wire.transfer', amount: '5', currency: 'EUR', to: 'x' },
    });
    expect(payload(a.receipt).act).not.toBe(other.actionHash);
    const jwks = (await call('GET', '/.well-known/jwks.json', undefined, { auth: false })).body;
    await expect(
      verifyReceipt(a.receipt, {
        jwks,
        issuer: BASE,
        audience: 'payments-api',
        subject: a.userId,
        actionHash: other.actionHash,
      }),
    ).rejects.toMatchObject({ code: 'action_mismatch' });
    // And a status look-up of the other ticket shows no receipt.
    expect((await call('GET', `/v1/actions/${other.ticket}/status`)).body).toEqual({
      state: 'pending',
    });
    expect(await assertion(other.ticket, a.auth)).toBeTruthy();
  });
});
