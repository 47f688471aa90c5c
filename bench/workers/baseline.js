// @ts-check
/**
 * The stateless baseline: the least any implementation must do per
 * approval with the usual libraries — `verifyAuthenticationResponse` from
 * @simplewebauthn/server against one fixed credential and challenge, then a
 * receipt signed with jose `SignJWT` (ES256, key imported once). No storage,
 * no tickets, no replay protection.
 */
import { verifyAuthenticationResponse } from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { importJWK, SignJWT } from 'jose';
import { receiptClaims } from './fixture.js';

/**
 * @typedef {import('./fixture.js').BenchFixture} BenchFixture
 * @typedef {{ fx: BenchFixture, publicKey: Uint8Array<ArrayBuffer>, signKey: CryptoKey }} BaselineState
 */

/**
 * @param {BenchFixture} fx
 * @returns {Promise<BaselineState>}
 */
export async function baselineState(fx) {
  return {
    fx,
    publicKey: isoBase64URL.toBuffer(fx.credential.publicKeyCose),
    signKey: /** @type {CryptoKey} */ (await importJWK({ ...fx.signingJwk }, 'ES256')),
  };
}

/**
 * @param {BaselineState} st
 * @param {import('@simplewebauthn/server').AuthenticationResponseJSON} response
 * @returns {Promise<string>} the receipt
 */
export async function baselineVerify(st, response) {
  const { fx } = st;
  const result = await verifyAuthenticationResponse({
    response,
    expectedChallenge: fx.challenge,
    expectedOrigin: fx.origin,
    expectedRPID: fx.rpId,
    requireUserVerification: true,
    credential: { id: fx.credential.id, publicKey: st.publicKey, counter: 0 },
  });
  if (!result.verified) throw new Error('baseline: not verified');
  return new SignJWT(receiptClaims(fx, 'user-000123'))
    .setProtectedHeader({ alg: 'ES256', kid: fx.signingJwk.kid, typ: 'psea-receipt+jwt' })
    .sign(st.signKey);
}
