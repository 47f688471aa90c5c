/**
 * Parse RECEIPT_SIGNING_KEYS once, at load, and fail closed on anything odd.
 *
 * Trade-offs, written down:
 * - Only ES256 (P-256) and EdDSA (Ed25519): both are short, fast, and
 *   verifiable everywhere WebCrypto runs. RSA, other curves and HMAC are
 *   refused, so a pasted wrong key cannot quietly become the signer.
 * - The published half is built from an allow-list of public members, never
 *   by deleting private ones, so an unexpected member (`p`, `oth`, `k`, a
 *   vendor extension) can never reach the JWKS.
 * - Each key signs and verifies one probe at load: a private key pasted next
 *   to another key's public members would otherwise publish a JWKS that no
 *   receipt verifies against. Node refuses such a key at import already; not
 *   every WebCrypto does, so the probe stays.
 * - Error reasons name the key by position and the failed rule, never a key
 *   member's value, because config errors end up in logs.
 */
import { calculateJwkThumbprint, importJWK, type JWK } from 'jose';
import { ReceiptError } from '../../packages/psea/src/receipt/errors.ts';
import { SIGN_PARAMS } from './sign-receipt.ts';
import type {
  PublicJWK,
  PublicJWKSet,
  ReceiptAlg,
  SigningKey,
  SigningKeySet,
} from '../../packages/psea/src/receipt/types.ts';

interface Parsed {
  alg: ReceiptAlg;
  kid: string | undefined;
  /** Only the members WebCrypto needs; nothing else from the input survives. */
  priv: JWK;
  pub: JWK;
}

const PROBE = new TextEncoder().encode('psea key check');

function fail(reason: string): ReceiptError {
  return new ReceiptError('invalid_key_set', `RECEIPT_SIGNING_KEYS: ${reason}`);
}

function isB64url(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && /^[A-Za-z0-9_-]+$/.test(value);
}

function parseKey(input: unknown, n: number): Parsed {
  const at = `key ${n}`;
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw fail(`${at}: not a JSON object`);
  const jwk = input as Record<string, unknown>;

  // Decide the algorithm from the key type, then hold `alg` to it.
  let alg: ReceiptAlg;
  if (jwk.kty === 'EC') {
    if (jwk.crv !== 'P-256') throw fail(`${at}: unsupported EC curve (only P-256)`);
    alg = 'ES256';
  } else if (jwk.kty === 'OKP') {
    if (jwk.crv !== 'Ed25519') throw fail(`${at}: unsupported OKP curve (only Ed25519)`);
    alg = 'EdDSA';
  } else {
    throw fail(`${at}: unsupported kty (only EC P-256 or OKP Ed25519)`);
  }
  // "Ed25519" is RFC 9864's name for the same algorithm; receipts say EdDSA as docs/api.md does.
  const algOk =
    jwk.alg === undefined || jwk.alg === alg || (alg === 'EdDSA' && jwk.alg === 'Ed25519');
  if (!algOk) throw fail(`${at}: alg does not match the key type (expected ${alg})`);
  if (jwk.use !== undefined && jwk.use !== 'sig') throw fail(`${at}: use must be "sig"`);
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('sign'))) {
    throw fail(`${at}: key_ops must include "sign"`);
  }
  if (jwk.kid !== undefined && (typeof jwk.kid !== 'string' || jwk.kid === '')) {
    throw fail(`${at}: kid must be a non-empty string`);
  }

  // Require the members the key type needs, as base64url strings.
  if (jwk.d === undefined) throw fail(`${at}: not a private key (no "d")`);
  if (!isB64url(jwk.d)) throw fail(`${at}: "d" is not base64url`);
  if (!isB64url(jwk.x)) throw fail(`${at}: "x" missing or not base64url`);
  if (alg === 'ES256' && !isB64url(jwk.y)) throw fail(`${at}: "y" missing or not base64url`);

  const pub: JWK =
    alg === 'ES256'
      ? { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y as string }
      : { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
  return { alg, kid: jwk.kid as string | undefined, priv: { ...pub, d: jwk.d }, pub };
}

async function loadKey(
  parsed: Parsed,
  n: number,
): Promise<{ signer: SigningKey; published: PublicJWK }> {
  const { alg, priv, pub } = parsed;
  let privateKey: CryptoKey;
  let publicKey: CryptoKey;
  try {
    privateKey = (await importJWK(priv, alg, { extractable: false })) as CryptoKey;
    publicKey = (await importJWK(pub, alg)) as CryptoKey;
  } catch {
    // The cause is dropped on purpose: a platform message could quote key bytes.
    throw fail(
      `key ${n}: cannot be imported (wrong length, not on the curve, or x/y not matching d)`,
    );
  }

  // Prove the public members belong to the private key.
  const params = SIGN_PARAMS[alg];
  let matches = false;
  try {
    const signature = await crypto.subtle.sign(params, privateKey, PROBE);
    matches = await crypto.subtle.verify(params, publicKey, signature, PROBE);
  } catch {
    matches = false;
  }
  if (!matches) throw fail(`key ${n}: public members do not match the private key`);

  const kid = parsed.kid ?? (await calculateJwkThumbprint(pub, 'sha256'));
  const published: PublicJWK =
    alg === 'ES256'
      ? { kty: 'EC', kid, alg, use: 'sig', crv: 'P-256', x: pub.x as string, y: pub.y as string }
      : { kty: 'OKP', kid, alg, use: 'sig', crv: 'Ed25519', x: pub.x as string };
  return { signer: { kid, alg, key: privateKey }, published: Object.freeze(published) };
}

/**
 * Load a JSON JWK Set of private signing keys (the RECEIPT_SIGNING_KEYS
 * secret). The first key signs; every key's public half, under its `kid`
 * (the RFC 7638 thumbprint when it has none), goes into `jwks`, so a retired
 * key keeps verifying the receipts it signed while the new one takes over.
 *
 * Keys must be EC P-256 (alg ES256) or OKP Ed25519 (alg EdDSA) with their
 * private member `d`. `alg` may be left out; when present it must match.
 * `jwks` is frozen and holds only `kty, kid, alg, use, crv, x, y`.
 *
 * @throws {ReceiptError} `invalid_key_set` with a reason such as
 *   `key 2: unsupported kty` — never a key's value.
 *
 * @example
 * ```ts
 * const { signer, jwks } = await loadSigningKeys(env.RECEIPT_SIGNING_KEYS);
 * const token = await signReceipt(claims, signer);
 * return Response.json(jwks); // GET /.well-known/jwks.json
 * ```
 */
export async function loadSigningKeys(jwkSetJson: string): Promise<SigningKeySet> {
  if (typeof jwkSetJson !== 'string') throw fail('not a string');
  let set: unknown;
  try {
    set = JSON.parse(jwkSetJson);
  } catch {
    throw fail('not valid JSON');
  }
  if (typeof set !== 'object' || set === null || !Array.isArray((set as { keys?: unknown }).keys)) {
    throw fail('not a JWK Set (expected {"keys": [...]})');
  }
  const inputs = (set as { keys: unknown[] }).keys;
  if (inputs.length === 0) throw fail('the key set is empty');

  // Check every key's shape first, so the reported key is the first bad one in order.
  const parsed = inputs.map((input, i) => parseKey(input, i + 1));
  const results = await Promise.allSettled(parsed.map((p, i) => loadKey(p, i + 1)));
  const loaded = results.map((r) => {
    if (r.status === 'rejected') throw r.reason;
    return r.value;
  });

  const seen = new Map<string, number>();
  loaded.forEach(({ signer }, i) => {
    const first = seen.get(signer.kid);
    if (first !== undefined) throw fail(`key ${i + 1}: duplicate kid (same as key ${first})`);
    seen.set(signer.kid, i + 1);
  });

  const jwks: PublicJWKSet = Object.freeze({
    keys: Object.freeze(loaded.map((l) => l.published)) as PublicJWK[],
  });
  return { signer: loaded[0]!.signer, jwks };
}
