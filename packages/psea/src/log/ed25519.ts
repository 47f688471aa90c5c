/**
 * Ed25519 with WebCrypto from raw key bytes, as note keys carry them: a
 * 32-byte seed for a signer, a 32-byte public key for a verifier. WebCrypto
 * takes a private key only as PKCS#8 (or a JWK that already holds the public
 * half), so a seed is wrapped in the fixed 16-byte PKCS#8 prefix of RFC 8410
 * and the public key read back from the key's JWK export.
 */
import { decodeB64url } from '../internal/base64url.ts';

/** DER of PKCS#8 `PrivateKeyInfo` for id-Ed25519 up to the 32-byte seed (RFC 8410 §7). */
const PKCS8_PREFIX = new Uint8Array([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

const ED25519 = { name: 'Ed25519' } as const;

/**
 * A signing key and its public key from a 32-byte seed.
 *
 * @example
 * ```ts
 * const { privateKey, publicKey } = await importSeed(seed); // publicKey: 32 bytes
 * ```
 */
export async function importSeed(
  seed: Uint8Array,
): Promise<{ privateKey: CryptoKey; publicKey: Uint8Array }> {
  const pkcs8 = new Uint8Array(PKCS8_PREFIX.length + seed.length);
  pkcs8.set(PKCS8_PREFIX);
  pkcs8.set(seed, PKCS8_PREFIX.length);
  const extractable = await crypto.subtle.importKey('pkcs8', pkcs8, ED25519, true, ['sign']);
  const jwk = (await crypto.subtle.exportKey('jwk', extractable)) as JsonWebKey;
  // Re-imported without `extractable`: the seed cannot be read back out of the key in use.
  const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, ED25519, false, ['sign']);
  pkcs8.fill(0);
  return { privateKey, publicKey: decodeB64url(jwk.x!) };
}

/** A verifying key from a 32-byte public key. */
export function importPublicKey(publicKey: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', publicKey as Uint8Array<ArrayBuffer>, ED25519, false, [
    'verify',
  ]);
}

/** An Ed25519 signature (64 bytes) over `message`. */
export async function sign(key: CryptoKey, message: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign(ED25519, key, message as Uint8Array<ArrayBuffer>));
}

/** Whether `signature` is `key`'s over `message`. */
export function verify(
  key: CryptoKey,
  signature: Uint8Array,
  message: Uint8Array,
): Promise<boolean> {
  return crypto.subtle.verify(
    ED25519,
    key,
    signature as Uint8Array<ArrayBuffer>,
    message as Uint8Array<ArrayBuffer>,
  );
}
