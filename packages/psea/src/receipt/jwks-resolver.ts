/**
 * Where verifyReceipt gets its public keys: the caller's JWKS object or a
 * JWKS URL, never the token. Header members `jwk`, `jku`, `x5u` and `x5c`
 * are not read here, so an attacker cannot bring their own key.
 *
 * Resolvers are cached — per JWKS object (WeakMap, so the imported
 * CryptoKeys are reused and a dropped set is collected) and per URL (a small
 * module-level map, so a backend fetches the JWKS once per cache period, not
 * per request). The cost of a verify is then the signature check alone.
 */
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  type JSONWebKeySet,
  type FlattenedJWSInput,
  type JWSHeaderParameters,
} from 'jose';
import { ReceiptError } from './errors.ts';
import type { PublicJWKSet } from './types.ts';

export type KeyResolver = (
  header: JWSHeaderParameters,
  token: FlattenedJWSInput,
) => Promise<CryptoKey>;

const byObject = new WeakMap<object, KeyResolver>();
const byUrl = new Map<string, KeyResolver>();
const MAX_URLS = 32;
/** docs/api.md lets the JWKS be cached for 300 s. */
const CACHE_MAX_AGE_MS = 300_000;

function guard(getKey: KeyResolver, failure: 'invalid_options' | 'jwks_unavailable'): KeyResolver {
  return async (header, token) => {
    // Receipts always name their key; a missing kid must not mean "try every key".
    if (typeof header.kid !== 'string' || header.kid === '') {
      throw new ReceiptError('malformed', 'receipt header has no kid');
    }
    try {
      return await getKey(header, token);
    } catch (err) {
      const code = (err as { code?: unknown } | null)?.code;
      if (code === 'ERR_JWKS_NO_MATCHING_KEY' || code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS') {
        throw new ReceiptError(
          'key_unknown',
          'no key in the key set matches the receipt kid and alg',
          { cause: err },
        );
      }
      if (code === 'ERR_JOSE_NOT_SUPPORTED') {
        throw new ReceiptError('alg_not_allowed', 'receipt alg is not ES256 or EdDSA', {
          cause: err,
        });
      }
      throw failure === 'jwks_unavailable'
        ? new ReceiptError(
            'jwks_unavailable',
            'the JWKS could not be fetched or holds an unusable key',
            { cause: err },
          )
        : new ReceiptError('invalid_options', 'options.jwks holds an unusable key', { cause: err });
    }
  };
}

/** The cached resolver for a caller's JWKS object. */
export function localResolver(jwks: PublicJWKSet | JSONWebKeySet): KeyResolver {
  let resolver = byObject.get(jwks);
  if (!resolver) {
    let local: KeyResolver;
    try {
      local = createLocalJWKSet(jwks as JSONWebKeySet) as KeyResolver;
    } catch (cause) {
      throw new ReceiptError('invalid_options', 'options.jwks is not a JWK Set', { cause });
    }
    resolver = guard(local, 'invalid_options');
    byObject.set(jwks, resolver);
  }
  return resolver;
}

/** The cached resolver for a JWKS URL (already checked to be https or loopback http). */
export function remoteResolver(url: URL): KeyResolver {
  let resolver = byUrl.get(url.href);
  if (!resolver) {
    const remote = createRemoteJWKSet(url, { cacheMaxAge: CACHE_MAX_AGE_MS }) as KeyResolver;
    resolver = guard(remote, 'jwks_unavailable');
    if (byUrl.size >= MAX_URLS) byUrl.clear();
    byUrl.set(url.href, resolver);
  }
  return resolver;
}
