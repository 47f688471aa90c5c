/**
 * Figure 4: verifyReceipt (psea/receipt, bundled from packages/psea/src/receipt) against
 * bare jose jwtVerify, in Node, on the same token, with the same public key
 * from the same JWKS object (cached: createLocalJWKSet once for jose; the
 * same object each call for verifyReceipt, which caches its resolver per
 * object). Rounds alternate which side runs first; each side's time per call
 * is the median over rounds.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { median } from './load.mjs';

export async function receiptBench(receiptLib, { rounds = 9, iterations = 2000 } = {}) {
  const { loadSigningKeys, signReceipt, randomId, hashAction } = receiptLib;
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
    format: 'jwk',
  });
  const { signer, jwks } = await loadSigningKeys(
    JSON.stringify({ keys: [{ ...jwk, kid: 'bench', alg: 'ES256' }] }),
  );
  const action = {
    type: 'wire.transfer',
    amount: '1250.00',
    currency: 'EUR',
    to: 'DE89 3704 0044 0532 0130 00',
  };
  const act = await hashAction(action);
  const iat = Math.floor(Date.now() / 1000);
  const issuer = 'https://approve.example.com';
  const audience = 'payments-api';
  const token = await signReceipt(
    {
      iss: issuer,
      sub: 'u-123',
      aud: audience,
      iat,
      exp: iat + 3600,
      jti: randomId(),
      act,
      act_type: action.type,
      nonce: randomId(),
      uv: true,
      cred: {
        id: randomId(32),
        aaguid: '00000000-0000-0000-0000-000000000000',
        device_bound: true,
        backed_up: false,
      },
    },
    signer,
  );
  const local = createLocalJWKSet(jwks);
  const subjects = {
    jose: () =>
      jwtVerify(token, local, { issuer, audience, algorithms: ['ES256'], typ: 'psea-receipt+jwt' }),
    // The subject is required; `action: false` is the explicit opt-out, so figure 4 still measures no action hash.
    verifyReceipt: () =>
      receiptLib.verifyReceipt(token, { jwks, issuer, audience, subject: 'u-123', action: false }),
    verifyReceiptWithAction: () =>
      receiptLib.verifyReceipt(token, { jwks, issuer, audience, subject: 'u-123', action }),
  };
  const times = Object.fromEntries(Object.keys(subjects).map((k) => [k, []]));
  // Warm up: JIT, key import caches.
  for (const f of Object.values(subjects)) for (let i = 0; i < 300; i++) await f();
  const names = Object.keys(subjects);
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 ? [...names].reverse() : names;
    for (const name of order) {
      const f = subjects[name];
      const t0 = performance.now();
      for (let i = 0; i < iterations; i++) await f();
      times[name].push(((performance.now() - t0) * 1000) / iterations);
    }
  }
  const us = Object.fromEntries(names.map((k) => [k, median(times[k])]));
  return { rounds, iterations, usPerCall: us, roundsUs: times };
}
