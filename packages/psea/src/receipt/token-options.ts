/**
 * The options that say how to read a receipt token at all: whose keys,
 * which issuer and audience, what clock. verifyReceipt takes them with the
 * checks a backend must make (verify-options.ts); the service's own redeem
 * route takes them alone. Checked before the token is looked at: a verifier
 * that is misconfigured should fail loudly on every call, not accept or
 * reject tokens by accident.
 */
import type { JSONWebKeySet } from 'jose';
import { ReceiptError } from './errors.ts';
import { localResolver, remoteResolver, type KeyResolver } from './jwks-resolver.ts';
import type { PublicJWKSet } from './types.ts';

/** Default clock tolerance: small enough not to stretch a 300 s receipt, large enough for ordinary NTP drift. */
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 5;

export interface ReceiptTokenOptions {
  /** The issuer's public JWK Set (for example the body of `/.well-known/jwks.json`). Treated as immutable: keys are imported once per object. Exactly one of `jwks` and `jwksUrl`. */
  jwks?: PublicJWKSet | JSONWebKeySet;
  /** URL of the issuer's JWKS, fetched with `fetch` and cached for 300 s. Must be https (http only for localhost). Exactly one of `jwks` and `jwksUrl`. */
  jwksUrl?: string | URL;
  /** Expected `iss`, exactly. */
  issuer: string;
  /** Expected `aud`, exactly. */
  audience: string;
  /** Reject receipts whose `iat` is more than this many seconds ago, even if `exp` has not passed. */
  maxAge?: number;
  /** Seconds of clock skew allowed on `exp`, `nbf`, `iat` and `maxAge`. Default 5. */
  clockTolerance?: number;
  /** The current time: a Date or milliseconds since the epoch (as `Date.now()`). Default: the system clock. */
  now?: Date | number;
}

export interface TokenChecks {
  getKey: KeyResolver;
  issuer: string;
  audience: string;
  maxAge: number | undefined;
  tolerance: number;
  now: Date;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function badOptions(message: string): ReceiptError {
  return new ReceiptError('invalid_options', `verifyReceipt: ${message}`);
}

function seconds(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw badOptions(`${name} must be a non-negative number of seconds`);
  return value;
}

function jwksUrlOf(value: string | URL): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badOptions('jwksUrl is not a URL');
  }
  // Keys fetched over plain http could be swapped in transit; loopback is the one safe exception (local development).
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw badOptions('jwksUrl must be https (http only for localhost)');
  }
  return url;
}

function resolverOf(options: ReceiptTokenOptions): KeyResolver {
  const hasJwks = options.jwks !== undefined;
  const hasUrl = options.jwksUrl !== undefined;
  if (hasJwks === hasUrl) throw badOptions('pass exactly one of jwks and jwksUrl');
  if (hasJwks) {
    if (typeof options.jwks !== 'object' || options.jwks === null)
      throw badOptions('jwks must be a JWK Set object');
    return localResolver(options.jwks);
  }
  return remoteResolver(jwksUrlOf(options.jwksUrl as string | URL));
}

function nowOf(value: Date | number | undefined): Date {
  if (value === undefined) return new Date();
  const date =
    value instanceof Date ? value : typeof value === 'number' ? new Date(value) : undefined;
  if (!date || !Number.isFinite(date.getTime()))
    throw badOptions('now must be a Date or milliseconds since the epoch');
  return date;
}

/** Validate the token options once per call. */
export function checkTokenOptions(given: ReceiptTokenOptions): TokenChecks {
  if (typeof given !== 'object' || given === null) throw badOptions('options are required');
  // Own members only (see checkOptions): nothing inherited stretches the clock or picks the keys.
  const options = Object.assign(Object.create(null), given) as ReceiptTokenOptions;
  if (typeof options.issuer !== 'string' || options.issuer === '')
    throw badOptions('issuer must be a non-empty string');
  if (typeof options.audience !== 'string' || options.audience === '')
    throw badOptions('audience must be a non-empty string');
  return {
    getKey: resolverOf(options),
    issuer: options.issuer,
    audience: options.audience,
    maxAge: seconds(options.maxAge, 'maxAge'),
    tolerance: seconds(options.clockTolerance, 'clockTolerance') ?? DEFAULT_CLOCK_TOLERANCE_SECONDS,
    now: nowOf(options.now),
  };
}
