import { CodedError } from './coded-error.ts';

/**
 * One error class with a stable `code` from a closed union, the way jose
 * does it: callers `switch (err.code)` and TypeScript narrows. Messages say
 * what failed, never echo the token or any key material.
 */

/** Every way a receipt operation can fail. The set is closed: new codes are a breaking change. */
export type ReceiptErrorCode =
  /** The value has no JSON (JCS) form: undefined, a function, NaN, Infinity, a lone surrogate, a cycle, a BigInt. */
  | 'invalid_json'
  /** RECEIPT_SIGNING_KEYS is not a usable JWK Set of ES256 / EdDSA private keys. */
  | 'invalid_key_set'
  /**
   * The verifier was called with options that cannot work or would skip a check: no `subject`, not
   * exactly one of `action`, `actionHash` and `action: false`, an unknown option (a typo), no key
   * set or two, a bad clock. Thrown before the token is looked at.
   */
  | 'invalid_options'
  /** Not a compact JWS with a JSON object payload, or a required header is missing. */
  | 'malformed'
  /** The header `alg` is not ES256 or EdDSA (`none`, HS256, RS256, ...). */
  | 'alg_not_allowed'
  /** The header `typ` is not `psea-receipt+jwt`. */
  | 'typ_invalid'
  /** No key in the key set has the header's `kid` and `alg`. */
  | 'key_unknown'
  /** The signature does not verify with the key named by `kid`. */
  | 'signature_invalid'
  /** A claim is missing or has the wrong type or shape. */
  | 'claim_invalid'
  /** `exp` has passed, or the receipt is older than `maxAge`. */
  | 'expired'
  /** `nbf` or `iat` lies in the future beyond the clock tolerance. */
  | 'not_yet_valid'
  /** `iss` is not the expected issuer. */
  | 'issuer_mismatch'
  /** `aud` is not the expected audience. */
  | 'audience_mismatch'
  /** `sub` is not the user the backend acts for: a receipt approved in another account. */
  | 'subject_mismatch'
  /** `act` is not the hash of the action the backend is about to execute. */
  | 'action_mismatch'
  /** A `display` was given and its hash is not the receipt's `dsp`, or the receipt has no `dsp`. */
  | 'display_mismatch'
  /** The receipt is from an offline approval (`offline: true`) and `allowOffline: true` was not given. */
  | 'offline_not_allowed'
  /** The remote JWKS could not be fetched or parsed. */
  | 'jwks_unavailable';

/**
 * The one error type of `psea/receipt`.
 *
 * @example
 * ```ts
 * try {
 *   await verifyReceipt(token, { jwksUrl, issuer, audience: 'payments-api', subject: session.userId, action });
 * } catch (err) {
 *   if (err instanceof ReceiptError) {
 *     switch (err.code) {
 *       case 'expired': return reply(401, 'approval expired, ask again');
 *       case 'subject_mismatch': return reply(403, 'approved by someone else');
 *       case 'action_mismatch': return reply(403, 'approved a different action');
 *       default: return reply(401, 'receipt invalid');
 *     }
 *   }
 *   throw err;
 * }
 * ```
 */
export class ReceiptError extends CodedError<ReceiptErrorCode> {}
