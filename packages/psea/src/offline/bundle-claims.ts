/**
 * The shape checks jose does not do on an offline bundle: every claim docs/api.md
 * lists, typed, so the checks after it read what they expect. A bundle is the
 * service's word (its signature has verified by now), but a verifier that
 * trusts a mistyped claim fails open: `grants: "abc"` would make every
 * substring a grant for `includes`.
 */
import { SUPPORTED_ALGS } from '../webauthn/cose-key';
import { OfflineProofError } from './errors.ts';
import { isGrantTypePattern } from './grant-types.ts';
import type { OfflineBundleClaims, OfflineCredential } from './types.ts';

const B64URL = /^[A-Za-z0-9_-]+$/;
/** At least 16 random bytes, base64url without padding (as a statement's nonce). */
const NONCE = /^[A-Za-z0-9_-]{22,}$/;

function invalid(claim: string, why: string): OfflineProofError {
  return new OfflineProofError('bundle_invalid', `bundle claim "${claim}" ${why}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown, claim: string): string {
  if (typeof value !== 'string' || value === '') throw invalid(claim, 'must be a non-empty string');
  return value;
}

function list<T>(value: unknown, claim: string, each: (item: unknown, at: string) => T): T[] {
  if (!Array.isArray(value) || value.length === 0)
    throw invalid(claim, 'must be a non-empty array');
  return value.map((item, i) => each(item, `${claim}[${i}]`));
}

function credential(value: unknown, at: string): OfflineCredential {
  if (!isObject(value)) throw invalid(at, 'must be an object');
  const id = text(value.id, `${at}.id`);
  const publicKey = text(value.publicKey, `${at}.publicKey`);
  if (!B64URL.test(id)) throw invalid(`${at}.id`, 'must be base64url');
  if (!B64URL.test(publicKey)) throw invalid(`${at}.publicKey`, 'must be base64url');
  if (!(SUPPORTED_ALGS as readonly unknown[]).includes(value.alg))
    throw invalid(`${at}.alg`, 'must be -7, -8 or -257');
  if (typeof value.deviceBound !== 'boolean')
    throw invalid(`${at}.deviceBound`, 'must be a boolean');
  return { id, publicKey, alg: value.alg as number, deviceBound: value.deviceBound };
}

/** Check a verified payload is an offline bundle and return it typed. */
export function bundleClaims(payload: Record<string, unknown>): OfflineBundleClaims {
  const iss = text(payload.iss, 'iss');
  const sub = text(payload.sub, 'sub');
  // A grant names one party; an array of audiences would let several act on one nonce.
  const aud = text(payload.aud, 'aud');
  if (typeof payload.exp !== 'number' || !Number.isFinite(payload.exp))
    throw invalid('exp', 'must be a NumericDate');
  if (!isObject(payload.rp)) throw invalid('rp', 'must be an object');
  const rp = {
    id: text(payload.rp.id, 'rp.id'),
    origins: list(payload.rp.origins, 'rp.origins', (o, at) => text(o, at)),
  };
  const grants = list(payload.grants, 'grants', (g, at) => {
    if (typeof g !== 'string' || !NONCE.test(g))
      throw invalid(at, 'must be base64url of at least 16 bytes');
    return g;
  });
  const types = list(payload.types, 'types', (t, at) => {
    if (typeof t !== 'string' || !isGrantTypePattern(t))
      throw invalid(at, 'must be an exact type or prefix.*');
    return t;
  });
  const creds = list(payload.creds, 'creds', credential);
  const claims: OfflineBundleClaims = { iss, sub, aud, exp: payload.exp, rp, grants, types, creds };
  if (typeof payload.iat === 'number') claims.iat = payload.iat;
  return claims;
}
