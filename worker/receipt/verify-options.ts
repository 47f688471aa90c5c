/**
 * Options of verifyReceipt, checked before the token is looked at: a
 * verifier that is misconfigured should fail loudly on every call, not
 * accept or reject tokens by accident.
 */
import type { JSONWebKeySet } from 'jose';
import { canonicalJson } from './canonical-json.ts';
import { ReceiptError } from './errors.ts';
import { localResolver, remoteResolver, type KeyResolver } from './jwks-resolver.ts';
import type { PublicJWKSet } from './types.ts';

/** Default clock tolerance: small enough not to stretch a 300 s receipt, large enough for ordinary NTP drift. */
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 5;

export interface VerifyReceiptOptions {
  /** The issuer's public JWK Set (for example the body of `/.well-known/jwks.json`). Treated as immutable: keys are imported once per object. Exactly one of `jwks` and `jwksUrl`. */
  jwks?: PublicJWKSet | JSONWebKeySet;
  /** URL of the issuer's JWKS, fetched with `fetch` and cached for 300 s. Must be https (http only for localhost). Exactly one of `jwks` and `jwksUrl`. */
  jwksUrl?: string | URL;
  /** Expected `iss`, exactly. */
  issuer: string;
  /** Expected `aud`, exactly. */
  audience: string;
  /** The action about to be executed; its hashAction must equal `act`. When the key is present its value must not be undefined. */
  action?: unknown;
  /** An actionHash to compare with `act`, for callers that stored the hash. When the key is present its value must be a string. */
  actionHash?: string;
  /** Reject receipts whose `iat` is more than this many seconds ago, even if `exp` has not passed. */
  maxAge?: number;
  /** Seconds of clock skew allowed on `exp`, `nbf`, `iat` and `maxAge`. Default 5. */
  clockTolerance?: number;
  /** The current time: a Date or milliseconds since the epoch (as `Date.now()`). Default: the system clock. */
  now?: Date | number;
}

export interface CheckedOptions {
  getKey: KeyResolver;
  issuer: string;
  audience: string;
  /** JCS of options.action, when given: canonicalised up front so an unhashable action fails before any crypto. */
  actionJson: string | undefined;
  actionHash: string | undefined;
  maxAge: number | undefined;
  tolerance: number;
  now: Date;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function bad(message: string): ReceiptError {
  return new ReceiptError('invalid_options', `verifyReceipt: ${message}`);
}

function seconds(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw bad(`${name} must be a non-negative number of seconds`);
  return value;
}

function jwksUrlOf(value: string | URL): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw bad('jwksUrl is not a URL');
  }
  // Keys fetched over plain http could be swapped in transit; loopback is the one safe exception (local development).
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw bad('jwksUrl must be https (http only for localhost)');
  }
  return url;
}

function resolverOf(options: VerifyReceiptOptions): KeyResolver {
  const hasJwks = options.jwks !== undefined;
  const hasUrl = options.jwksUrl !== undefined;
  if (hasJwks === hasUrl) throw bad('pass exactly one of jwks and jwksUrl');
  if (hasJwks) {
    if (typeof options.jwks !== 'object' || options.jwks === null) throw bad('jwks must be a JWK Set object');
    return localResolver(options.jwks);
  }
  return remoteResolver(jwksUrlOf(options.jwksUrl as string | URL));
}

function nowOf(value: Date | number | undefined): Date {
  if (value === undefined) return new Date();
  const date = value instanceof Date ? value : typeof value === 'number' ? new Date(value) : undefined;
  if (!date || !Number.isFinite(date.getTime())) throw bad('now must be a Date or milliseconds since the epoch');
  return date;
}

/** Validate verifyReceipt's options once per call. */
export function checkOptions(options: VerifyReceiptOptions): CheckedOptions {
  if (typeof options !== 'object' || options === null) throw bad('options are required');
  if (typeof options.issuer !== 'string' || options.issuer === '') throw bad('issuer must be a non-empty string');
  if (typeof options.audience !== 'string' || options.audience === '') throw bad('audience must be a non-empty string');

  // A present-but-undefined action is a bug in the caller (say, a missing body field), not a request to skip the check.
  let actionJson: string | undefined;
  if ('action' in options) {
    if (options.action === undefined) throw bad('action is undefined; leave the key out to skip the action check');
    actionJson = canonicalJson(options.action);
  }
  if ('actionHash' in options && typeof options.actionHash !== 'string') {
    throw bad('actionHash must be a string; leave the key out to skip the check');
  }

  const tolerance = seconds(options.clockTolerance, 'clockTolerance') ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  return {
    getKey: resolverOf(options),
    issuer: options.issuer,
    audience: options.audience,
    actionJson,
    actionHash: options.actionHash,
    maxAge: seconds(options.maxAge, 'maxAge'),
    tolerance,
    now: nowOf(options.now),
  };
}
