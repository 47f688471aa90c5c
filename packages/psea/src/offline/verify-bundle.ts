/**
 * The bundle's signature, media type and expiry, with the caller's cached
 * JWKS. The bundle is signed by the receipt key, so `typ` is what keeps one
 * kind of token from passing for the other: a receipt is no bundle (its
 * `grants` would be missing anyway, but the type says so first), and a
 * bundle is no receipt (verifyReceipt requires `psea-receipt+jwt`).
 */
import { jwtVerify } from 'jose';
import type { KeyResolver } from '../receipt/jwks-resolver.ts';
import { bundleClaims } from './bundle-claims.ts';
import { OfflineProofError } from './errors.ts';
import type { OfflineBundleClaims } from './types.ts';

/** The media type in every bundle's header. */
export const OFFLINE_BUNDLE_TYP = 'psea-offline+jwt';

// An allow-list, so `none`, HS256 (keyed with the public key) and RS256 never reach a key.
const ALGORITHMS = ['ES256', 'EdDSA'];
const REQUIRED_CLAIMS = ['iss', 'sub', 'aud', 'exp'];

/**
 * Verify the bundle and return its claims.
 *
 * @throws {OfflineProofError} `ticket_expired` when `exp` has passed at `now`
 *   (a genuine bundle only: the signature is checked first); `bundle_invalid`
 *   for anything else; `invalid_options` when the caller's JWKS holds a key
 *   that cannot be imported.
 */
export async function verifyBundle(
  bundle: string,
  getKey: KeyResolver,
  now: Date,
): Promise<OfflineBundleClaims> {
  let payload: Record<string, unknown>;
  try {
    // No clock tolerance: `now` is the caller's own clock, and the bundle's lifetime is hours or days.
    ({ payload } = await jwtVerify(bundle, getKey, {
      algorithms: ALGORITHMS,
      typ: OFFLINE_BUNDLE_TYP,
      requiredClaims: REQUIRED_CLAIMS,
      currentDate: now,
    }));
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    if (code === 'ERR_JWT_EXPIRED')
      throw new OfflineProofError('ticket_expired', 'the bundle has expired', { cause: err });
    if (code === 'invalid_options')
      throw new OfflineProofError(
        'invalid_options',
        'verifyOfflineProof: jwks holds an unusable key',
        { cause: err },
      );
    throw new OfflineProofError(
      'bundle_invalid',
      'the bundle is not a psea-offline+jwt signed by a key of jwks',
      { cause: err },
    );
  }
  return bundleClaims(payload);
}
