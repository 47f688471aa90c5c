// @ts-check
/**
 * The crypto floor of one approval: the least cryptography any service that
 * checks a WebAuthn ES256 assertion and issues an ES256-signed receipt must
 * do, with keys already imported:
 *
 *   SHA-256(clientDataJSON)             the assertion's signed data needs it
 *   SHA-256(ticket)                     a service that stores ticket hashes needs it
 *   ECDSA P-256 verify(authData ‖ h)    the passkey's signature (hashes once inside)
 *   ECDSA P-256 sign(receipt JWS input) the receipt (hashes once inside)
 *
 * Used both in-process (cpu-worker.js, batches) and per request (baseline-worker.js /floor).
 */
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { receiptClaims } from './fixture.js';

/**
 * @typedef {import('./fixture.js').BenchFixture} BenchFixture
 * @typedef {Uint8Array<ArrayBuffer>} Bytes
 * @typedef {{ clientDataJSON: Bytes, authenticatorData: Bytes, signature: Bytes, ticket: Bytes }} FloorInput
 *   signature as IEEE P1363 r‖s (WebCrypto's format), converted from the assertion's DER
 * @typedef {{ verifyKey: CryptoKey, signKey: CryptoKey, signingInput: Bytes }} FloorKeys
 *   signingInput: base64url(header).base64url(payload) of a receipt-sized JWS
 */

const enc = new TextEncoder();
const ECDSA = { name: 'ECDSA', hash: 'SHA-256' };

/**
 * DER ECDSA signature → 64-byte r‖s.
 * @param {Uint8Array} der
 * @returns {Bytes}
 */
export function derToRaw(der) {
  let at = 2;
  if (/** @type {number} */ (der[1]) & 0x80) at += /** @type {number} */ (der[1]) & 0x7f;
  const out = new Uint8Array(64);
  for (let part = 0; part < 2; part++) {
    if (der[at] !== 0x02) throw new Error('bad DER signature');
    const len = /** @type {number} */ (der[at + 1]);
    let int = der.subarray(at + 2, at + 2 + len);
    while (int.length > 32 && int[0] === 0) int = int.subarray(1);
    out.set(int, part * 32 + (32 - int.length));
    at += 2 + len;
  }
  return out;
}

/**
 * @param {{ response: { clientDataJSON: string, authenticatorData: string, signature: string } }} a
 * @param {string} ticket
 * @returns {FloorInput}
 */
export function floorInput(a, ticket) {
  return {
    clientDataJSON: isoBase64URL.toBuffer(a.response.clientDataJSON),
    authenticatorData: isoBase64URL.toBuffer(a.response.authenticatorData),
    signature: derToRaw(isoBase64URL.toBuffer(a.response.signature)),
    ticket: /** @type {Bytes} */ (enc.encode(ticket)),
  };
}

/**
 * @param {BenchFixture} fx
 * @returns {Promise<FloorKeys>}
 */
export async function floorKeys(fx) {
  const curve = { name: 'ECDSA', namedCurve: 'P-256' };
  const verifyKey = await crypto.subtle.importKey('jwk', fx.credential.publicKeyJwk, curve, false, [
    'verify',
  ]);
  const { x, y, d } = fx.signingJwk;
  const signKey = await crypto.subtle.importKey(
    'jwk',
    { kty: 'EC', crv: 'P-256', x, y, d },
    curve,
    false,
    ['sign'],
  );
  /** @param {string} s */
  const b64 = (s) => isoBase64URL.fromUTF8String(s);
  const header = b64(
    JSON.stringify({ alg: 'ES256', kid: fx.signingJwk.kid, typ: 'psea-receipt+jwt' }),
  );
  const payload = b64(JSON.stringify(receiptClaims(fx, 'user-000123')));
  return {
    verifyKey,
    signKey,
    signingInput: /** @type {Bytes} */ (enc.encode(`${header}.${payload}`)),
  };
}

/**
 * One floor iteration; returns the receipt signature (64 bytes).
 * @param {FloorKeys} keys
 * @param {FloorInput} input
 */
export async function floorOnce(keys, input) {
  const [cdHash] = await Promise.all([
    crypto.subtle.digest('SHA-256', input.clientDataJSON),
    crypto.subtle.digest('SHA-256', input.ticket),
  ]);
  const signed = new Uint8Array(input.authenticatorData.length + 32);
  signed.set(input.authenticatorData);
  signed.set(new Uint8Array(cdHash), input.authenticatorData.length);
  if (!(await crypto.subtle.verify(ECDSA, keys.verifyKey, input.signature, signed)))
    throw new Error('floor: signature does not verify');
  return new Uint8Array(await crypto.subtle.sign(ECDSA, keys.signKey, keys.signingInput));
}
