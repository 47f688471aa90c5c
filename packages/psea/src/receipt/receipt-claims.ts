/**
 * The shape checks jose does not do: every claim docs/api.md ("Receipt") lists,
 * with its type, so a backend can read `claims.cred.device_bound` without
 * checking it again. jose has already checked the signature, iss, aud, exp
 * and nbf by the time this runs.
 */
import { ReceiptError } from './errors.ts';
import type { ReceiptClaims } from './types.ts';

/** A base64url SHA-256: `act` and `dsp`. */
const HASH = /^[A-Za-z0-9_-]{43}$/;
/** At least 16 random bytes, base64url without padding. */
const NONCE = /^[A-Za-z0-9_-]{22,}$/;

function invalid(claim: string, why: string): ReceiptError {
  return new ReceiptError('claim_invalid', `receipt claim "${claim}" ${why}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireString(claims: Record<string, unknown>, claim: string): void {
  if (typeof claims[claim] !== 'string' || claims[claim] === '')
    throw invalid(claim, 'must be a non-empty string');
}

function requireTime(claims: Record<string, unknown>, claim: string): number {
  const value = claims[claim];
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw invalid(claim, 'must be a NumericDate');
  return value;
}

const COUNT = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

/** v3: a batch receipt's `batch`, typed, so its root and count can be used as they are. */
function checkBatchClaim(batch: unknown): void {
  if (!isObject(batch)) throw invalid('batch', 'must be an object when present');
  if (!COUNT(batch.count) || (batch.count as number) < 1)
    throw invalid('batch.count', 'must be a positive whole number');
  if (!COUNT(batch.payees)) throw invalid('batch.payees', 'must be a whole number');
  if (typeof batch.root !== 'string' || !HASH.test(batch.root))
    throw invalid('batch.root', 'must be a base64url SHA-256');
  const totals = batch.totals;
  if (!isObject(totals) || Object.values(totals).some((t) => typeof t !== 'string'))
    throw invalid('batch.totals', 'must map currencies to strings');
}

/**
 * Check a verified payload is a receipt and return it typed.
 * `now` and `tolerance` are in seconds.
 */
export function receiptClaims(
  claims: Record<string, unknown>,
  now: number,
  tolerance: number,
): ReceiptClaims {
  for (const claim of ['iss', 'sub', 'jti', 'act_type']) requireString(claims, claim);
  // A receipt is for one audience; an array would not rebuild the statement.
  if (typeof claims.aud !== 'string') throw invalid('aud', 'must be a single string');

  const iat = requireTime(claims, 'iat');
  const exp = requireTime(claims, 'exp');
  if (exp <= iat) throw invalid('exp', 'must be after iat');
  // jose checks iat only together with maxTokenAge; a receipt from the future is never valid.
  if (iat > now + tolerance)
    throw new ReceiptError('not_yet_valid', 'receipt "iat" is in the future');

  if (typeof claims.act !== 'string' || !HASH.test(claims.act))
    throw invalid('act', 'must be a base64url SHA-256 (43 characters)');
  // v2 claims, each optional; typed when present, so a display or offline check reads what it expects.
  if (claims.dsp !== undefined && (typeof claims.dsp !== 'string' || !HASH.test(claims.dsp))) {
    throw invalid('dsp', 'must be a base64url SHA-256 (43 characters) when present');
  }
  if (claims.offline !== undefined && typeof claims.offline !== 'boolean')
    throw invalid('offline', 'must be a boolean when present');
  if (
    claims.signed_at !== undefined &&
    (typeof claims.signed_at !== 'number' || !Number.isFinite(claims.signed_at))
  ) {
    throw invalid('signed_at', 'must be a number when present');
  }
  // An offline receipt rebuilds its statement with signed_at: without one it rebuilds none.
  if (claims.offline === true && claims.signed_at === undefined)
    throw invalid('signed_at', 'is required when offline is true');
  if (typeof claims.nonce !== 'string' || !NONCE.test(claims.nonce))
    throw invalid('nonce', 'must be base64url of at least 16 bytes');
  if (claims.uv !== true) throw invalid('uv', 'must be true');
  if (claims.pol !== undefined && typeof claims.pol !== 'string')
    throw invalid('pol', 'must be a string when present');

  if (claims.batch !== undefined) checkBatchClaim(claims.batch);

  const cred = claims.cred;
  if (!isObject(cred)) throw invalid('cred', 'must be an object');
  if (typeof cred.id !== 'string' || cred.id === '')
    throw invalid('cred.id', 'must be a non-empty string');
  if (typeof cred.aaguid !== 'string') throw invalid('cred.aaguid', 'must be a string');
  if (typeof cred.device_bound !== 'boolean')
    throw invalid('cred.device_bound', 'must be a boolean');
  if (typeof cred.backed_up !== 'boolean') throw invalid('cred.backed_up', 'must be a boolean');
  if (
    cred.enrolled_at !== undefined &&
    (typeof cred.enrolled_at !== 'number' || !Number.isFinite(cred.enrolled_at))
  ) {
    throw invalid('cred.enrolled_at', 'must be a NumericDate when present');
  }

  return claims as unknown as ReceiptClaims;
}
