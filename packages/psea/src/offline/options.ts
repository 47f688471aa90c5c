/**
 * verifyOfflineProof's options, all checked before the proof is looked at:
 * a field verifier that is misconfigured must fail loudly on every call, not
 * accept or refuse proofs by accident. An option nobody knows is refused too,
 * so a typo (`subjet`) cannot pass for a check that was made.
 */
import type { JSONWebKeySet } from 'jose';
import { canonicalJson } from '../internal/canonical-json.ts';
import { localResolver, type KeyResolver } from '../receipt/jwks-resolver.ts';
import type { PublicJWKSet } from '../receipt/types.ts';
import { OfflineProofError } from './errors.ts';
import type { SeenNonces } from './types.ts';

export interface VerifyOfflineProofOptions {
  /** The `bundle` JWT from `POST /v1/users/:id/offline-grants`, as synced to the device. */
  bundle: string;
  /** The service's public JWK Set, cached from `/.well-known/jwks.json` while online. */
  jwks: PublicJWKSet | JSONWebKeySet;
  /** The user the device acts for (from its own badge, session or record, not from the proof). */
  subject: string;
  /** Who this device is: the grant's audience names the one party that may act on it. */
  audience: string;
  /** The action the device is about to execute, as it will execute it. */
  action: Record<string, unknown> & { type: string };
  /** The current time: a Date or milliseconds since the epoch (as `Date.now()`). Default: the system clock. */
  now?: Date | number;
  /** The caller's store of nonces already accepted. */
  seen: SeenNonces;
}

export interface CheckedOfflineOptions {
  bundle: string;
  getKey: KeyResolver;
  subject: string;
  audience: string;
  /** JCS of the caller's action. */
  actionJson: string;
  now: Date;
  seen: SeenNonces;
}

/** Bundles carry up to 100 grants and a few COSE keys: a few KiB. Refuse to parse megabytes. */
const MAX_BUNDLE_LENGTH = 65_536;

/** Every option there is; a Record, so adding an option to the interface without listing it here does not compile. */
const OPTION_NAMES: Record<keyof VerifyOfflineProofOptions, true> = {
  bundle: true,
  jwks: true,
  subject: true,
  audience: true,
  action: true,
  now: true,
  seen: true,
};
const KNOWN = new Set(Object.keys(OPTION_NAMES));

const bad = (message: string) =>
  new OfflineProofError('invalid_options', `verifyOfflineProof: ${message}`);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmpty(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw bad(`${name} must be a non-empty string`);
  return value;
}

function nowOf(value: Date | number | undefined): Date {
  if (value === undefined) return new Date();
  const date =
    value instanceof Date ? value : typeof value === 'number' ? new Date(value) : undefined;
  if (!date || !Number.isFinite(date.getTime()))
    throw bad('now must be a Date or milliseconds since the epoch');
  return date;
}

function resolverOf(jwks: unknown): KeyResolver {
  if (!isObject(jwks)) throw bad('jwks must be a JWK Set object');
  try {
    return localResolver(jwks as unknown as JSONWebKeySet);
  } catch (cause) {
    throw new OfflineProofError('invalid_options', 'verifyOfflineProof: jwks is not a JWK Set', {
      cause,
    });
  }
}

function actionJsonOf(action: unknown): string {
  if (!isObject(action) || typeof action.type !== 'string')
    throw bad('action must be the action object, with a string type');
  try {
    return canonicalJson(action);
  } catch (cause) {
    throw new OfflineProofError(
      'invalid_options',
      'verifyOfflineProof: action has no canonical JSON form',
      { cause },
    );
  }
}

/** Validate verifyOfflineProof's options once per call. */
export function checkOfflineOptions(options: VerifyOfflineProofOptions): CheckedOfflineOptions {
  if (!isObject(options)) throw bad('options are required');
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) throw bad(`unknown option "${key}"`);
  const bundle = nonEmpty(options.bundle, 'bundle');
  if (bundle.length > MAX_BUNDLE_LENGTH) throw bad('bundle is longer than 64 KiB');
  const seen = options.seen as unknown;
  if (
    typeof seen !== 'object' ||
    seen === null ||
    typeof (seen as SeenNonces).has !== 'function' ||
    typeof (seen as SeenNonces).add !== 'function'
  ) {
    throw bad('seen must have has(nonce) and add(nonce)');
  }
  return {
    bundle,
    getKey: resolverOf(options.jwks),
    subject: nonEmpty(options.subject, 'subject'),
    audience: nonEmpty(options.audience, 'audience'),
    actionJson: actionJsonOf(options.action),
    now: nowOf(options.now),
    seen: seen as SeenNonces,
  };
}
