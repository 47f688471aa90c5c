import { isoBase64URL, isoCBOR } from '@simplewebauthn/server/helpers';
import { WebAuthnError } from './errors.ts';

/** The COSE algorithms this service offers and accepts: ES256, EdDSA, RS256. */
export const SUPPORTED_ALGS = [-7, -8, -257] as const;
export type SupportedAlg = (typeof SUPPORTED_ALGS)[number];

const reject = (why: string) =>
  new WebAuthnError('attestation_rejected', `credential public key: ${why}`);

function bytes(map: Map<number, unknown>, label: number, length?: number): Uint8Array<ArrayBuffer> {
  const v = map.get(label);
  if (!(v instanceof Uint8Array) || (length !== undefined && v.length !== length))
    throw reject(`member ${label} malformed`);
  return v as Uint8Array<ArrayBuffer>;
}

/** A credential public key imported for verification, with the COSE alg it was made for. */
export interface CredentialKey {
  alg: SupportedAlg;
  key: CryptoKey;
}

/**
 * Import a credential's COSE public key with WebCrypto. The library stores
 * keys it cannot use (text `kty`, arrays for `x`): a key that can never
 * verify an assertion must not enroll, so enrollment imports it too.
 */
export async function importCosePublicKey(cose: Uint8Array<ArrayBuffer>): Promise<CredentialKey> {
  let map: unknown;
  try {
    map = isoCBOR.decodeFirst(cose);
  } catch {
    throw reject('not CBOR');
  }
  if (!(map instanceof Map)) throw reject('not a map');
  const kty = map.get(1);
  const alg = map.get(3);
  if (typeof kty !== 'number' || typeof alg !== 'number')
    throw reject('kty and alg must be integers');
  if (!(SUPPORTED_ALGS as readonly number[]).includes(alg))
    throw reject(`algorithm ${alg} was not offered`);
  const b64 = (b: Uint8Array<ArrayBuffer>) => isoBase64URL.fromBuffer(b);
  try {
    if (alg === -7) {
      if (kty !== 2 || map.get(-1) !== 1) throw reject('ES256 needs an EC2 P-256 key');
      const jwk = {
        kty: 'EC',
        crv: 'P-256',
        x: b64(bytes(map, -2, 32)),
        y: b64(bytes(map, -3, 32)),
      };
      return {
        alg,
        key: await crypto.subtle.importKey(
          'jwk',
          jwk,
          { name: 'ECDSA', namedCurve: 'P-256' },
          false,
          ['verify'],
        ),
      };
    }
    if (alg === -8) {
      if (kty !== 1 || map.get(-1) !== 6) throw reject('EdDSA needs an OKP Ed25519 key');
      return {
        alg,
        key: await crypto.subtle.importKey('raw', bytes(map, -2, 32), { name: 'Ed25519' }, false, [
          'verify',
        ]),
      };
    }
    if (kty !== 3) throw reject('RS256 needs an RSA key');
    const n = bytes(map, -1);
    if (n.length < 256) throw reject('RSA modulus under 2048 bits');
    const jwk = { kty: 'RSA', n: b64(n), e: b64(bytes(map, -2)) };
    return {
      alg: -257,
      key: await crypto.subtle.importKey(
        'jwk',
        jwk,
        { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
        false,
        ['verify'],
      ),
    };
  } catch (err) {
    if (err instanceof WebAuthnError) throw err;
    throw reject('not importable');
  }
}

/** Check that a credential's COSE key is usable; its algorithm. */
export async function checkCosePublicKey(cose: Uint8Array<ArrayBuffer>): Promise<SupportedAlg> {
  return (await importCosePublicKey(cose)).alg;
}
