import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { calculateJwkThumbprint, compactVerify, createLocalJWKSet } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { ReceiptError } from '../../packages/psea/src/receipt/index.ts';
import { loadSigningKeys } from '../../worker/receipts/signing-keys.ts';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

function ecKey(curve = 'P-256'): JsonWebKey {
  return generateKeyPairSync('ec', { namedCurve: curve }).privateKey.export({ format: 'jwk' });
}
function edKey(): JsonWebKey {
  return generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
}
function set(...keys: unknown[]): string {
  return JSON.stringify({ keys });
}

async function rejection(json: string): Promise<ReceiptError> {
  const err = await loadSigningKeys(json).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ReceiptError);
  expect((err as ReceiptError).code).toBe('invalid_key_set');
  return err as ReceiptError;
}

describe('loadSigningKeys', () => {
  it('loads ES256 and EdDSA keys; the first signs and every public half is published', async () => {
    const es = { ...ecKey(), kid: 'es-1' };
    const ed = { ...edKey(), alg: 'EdDSA' };
    const { signer, jwks } = await loadSigningKeys(set(es, ed));
    expect(signer).toMatchObject({ kid: 'es-1', alg: 'ES256' });
    expect(signer.key.type).toBe('private');
    expect(signer.key.extractable).toBe(false);
    expect(jwks.keys).toEqual([
      { kty: 'EC', kid: 'es-1', alg: 'ES256', use: 'sig', crv: 'P-256', x: es.x, y: es.y },
      { kty: 'OKP', kid: expect.any(String), alg: 'EdDSA', use: 'sig', crv: 'Ed25519', x: ed.x },
    ]);
    expect(
      Object.isFrozen(jwks) && Object.isFrozen(jwks.keys) && Object.isFrozen(jwks.keys[0]),
    ).toBe(true);
  });

  it('publishes no private member, whatever the input carried', async () => {
    const noisy = {
      ...ecKey(),
      p: 'AQAB',
      q: 'AQAB',
      dp: 'AQAB',
      dq: 'AQAB',
      qi: 'AQAB',
      k: 'AQAB',
      oth: [],
      ext: true,
      key_ops: ['sign'],
      x5c: ['AQAB'],
    };
    const { jwks } = await loadSigningKeys(set(noisy, edKey()));
    const text = JSON.stringify(jwks);
    for (const key of jwks.keys) {
      for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
      expect(Object.keys(key).sort()).toEqual(
        key.kty === 'EC'
          ? ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']
          : ['alg', 'crv', 'kid', 'kty', 'use', 'x'],
      );
    }
    expect(text).not.toContain(noisy.d);
  });

  it('names a key without kid by its RFC 7638 thumbprint', async () => {
    const es = ecKey();
    const ed = edKey();
    const { signer, jwks } = await loadSigningKeys(set(es, ed));
    expect(signer.kid).toBe(
      await calculateJwkThumbprint({ kty: 'EC', crv: 'P-256', x: es.x!, y: es.y! }),
    );
    expect(jwks.keys[1]!.kid).toBe(
      await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: ed.x! }),
    );
    // RFC 7638 §3.1 example key shape: the thumbprint is 43 base64url characters.
    expect(signer.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('accepts RFC 9864 "Ed25519" as the alg of an OKP key and publishes it as EdDSA', async () => {
    const { signer } = await loadSigningKeys(set({ ...edKey(), alg: 'Ed25519' }));
    expect(signer.alg).toBe('EdDSA');
  });

  it('signs with a key whose published half verifies', async () => {
    const { signer, jwks } = await loadSigningKeys(set(edKey(), ecKey()));
    const { CompactSign } = await import('jose');
    const jws = await new CompactSign(new TextEncoder().encode('x'))
      .setProtectedHeader({ alg: signer.alg, kid: signer.kid })
      .sign(signer.key);
    await expect(compactVerify(jws, createLocalJWKSet(jwks))).resolves.toBeDefined();
  });

  it.each([
    ['bad JSON', '{"keys": [', 'not valid JSON'],
    ['not a set', JSON.stringify([{ kty: 'EC' }]), 'not a JWK Set'],
    ['an empty set', set(), 'empty'],
    ['a non-object key', set('key'), 'key 1: not a JSON object'],
  ])('rejects %s', async (_name, json, reason) => {
    expect((await rejection(json)).message).toContain(reason);
  });

  it('rejects unsupported key types and curves, naming the key by position', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      format: 'jwk',
    });
    expect((await rejection(set(ecKey(), rsa))).message).toContain('key 2: unsupported kty');
    expect((await rejection(set(ecKey('P-384')))).message).toContain('key 1: unsupported EC curve');
    expect(
      (
        await rejection(
          set({ kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0', alg: 'HS256' }),
        )
      ).message,
    ).toContain('unsupported kty');
    const x25519 = generateKeyPairSync('x25519').privateKey.export({ format: 'jwk' });
    expect((await rejection(set(x25519))).message).toContain('unsupported OKP curve');
  });

  it('rejects an alg that does not match the key', async () => {
    expect((await rejection(set({ ...ecKey(), alg: 'HS256' }))).message).toContain(
      'alg does not match',
    );
    expect((await rejection(set({ ...ecKey(), alg: 'EdDSA' }))).message).toContain(
      'alg does not match',
    );
    expect((await rejection(set({ ...edKey(), alg: 'ES256' }))).message).toContain(
      'alg does not match',
    );
  });

  it('rejects a public-only key', async () => {
    const { d: _d, ...publicOnly } = ecKey();
    expect((await rejection(set(publicOnly))).message).toContain('key 1: not a private key');
  });

  it('rejects public members that belong to another key, without echoing key material', async () => {
    const a = ecKey();
    const b = ecKey();
    const mixed = { ...a, x: b.x, y: b.y };
    const err = await rejection(set(edKey(), mixed));
    // Node refuses this at import; a WebCrypto that does not is caught by the probe (next test).
    expect(err.message).toMatch(/key 2: (cannot be imported|public members do not match)/);
    for (const value of [a.d, a.x, a.y, b.x, b.y]) expect(err.message).not.toContain(value);

    const c = edKey();
    const mixedEd = { ...c, x: edKey().x };
    const errEd = await rejection(set(mixedEd));
    // Node refuses this at import already; other runtimes may reach the probe.
    expect(errEd.message).toMatch(/key 1: (cannot be imported|public members do not match)/);
    expect(errEd.message).not.toContain(c.d);
  });

  it('rejects a key whose sign/verify probe fails', async () => {
    const verify = vi.spyOn(crypto.subtle, 'verify').mockResolvedValueOnce(false);
    try {
      expect((await rejection(set(ecKey()))).message).toContain(
        'key 1: public members do not match the private key',
      );
    } finally {
      verify.mockRestore();
    }
  });

  it('rejects a key that cannot be imported, without echoing it', async () => {
    const a = ecKey();
    const broken = { ...a, d: a.d!.slice(0, 20) };
    const err = await rejection(set(broken));
    expect(err.message).toContain('key 1: cannot be imported');
    expect(err.message).not.toContain(broken.d);
    expect(err.cause).toBeUndefined();
  });

  it('rejects duplicate kids, explicit or computed', async () => {
    const es = ecKey();
    expect((await rejection(set({ ...es, kid: 'k' }, { ...edKey(), kid: 'k' }))).message).toContain(
      'key 2: duplicate kid',
    );
    expect((await rejection(set(es, es))).message).toContain('duplicate kid');
  });

  it('rejects a bad kid or use', async () => {
    expect((await rejection(set({ ...ecKey(), kid: 7 }))).message).toContain('kid');
    expect((await rejection(set({ ...ecKey(), use: 'enc' }))).message).toContain('use');
  });
});
