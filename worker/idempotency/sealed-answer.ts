/**
 * A kept answer holds a ticket, a statusToken or grants: secrets that the
 * vaults keep only as hashes, so that a storage leak yields nothing usable.
 * The idempotency record keeps it sealed (AES-256-GCM) under a key derived
 * (HKDF-SHA-256) from the API key and the Idempotency-Key, neither of which
 * it stores: only a repeat that presents both can open it. The request's
 * fingerprint is the additional data, so a sealed answer opens for its own
 * request only.
 */
import { decodeB64url, encodeB64url } from '../../packages/psea/src/internal/base64url';

const utf8 = new TextEncoder();
const SALT = utf8.encode('psea idempotency answer v1');

export function answerKey(apiKey: string, idempotencyKey: string): Promise<CryptoKey> {
  return crypto.subtle
    .importKey('raw', utf8.encode(apiKey), 'HKDF', false, ['deriveKey'])
    .then((ikm) =>
      crypto.subtle.deriveKey(
        { name: 'HKDF', hash: 'SHA-256', salt: SALT, info: utf8.encode(idempotencyKey) },
        ikm,
        { name: 'AES-GCM', length: 256 },
        false,
        ['encrypt', 'decrypt'],
      ),
    );
}

/** `<iv>.<ciphertext>`, base64url. */
export async function seal(key: CryptoKey, text: string, fingerprint: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const params = { name: 'AES-GCM', iv, additionalData: utf8.encode(fingerprint) };
  const sealed = await crypto.subtle.encrypt(params, key, utf8.encode(text));
  return `${encodeB64url(iv)}.${encodeB64url(new Uint8Array(sealed))}`;
}

/** The text `seal` sealed; throws when it was sealed under another key or for another request. */
export async function unseal(key: CryptoKey, sealed: string, fingerprint: string): Promise<string> {
  const [iv, data] = sealed.split('.');
  const params = {
    name: 'AES-GCM',
    iv: decodeB64url(iv ?? ''),
    additionalData: utf8.encode(fingerprint),
  };
  return new TextDecoder().decode(
    await crypto.subtle.decrypt(params, key, decodeB64url(data ?? '')),
  );
}
