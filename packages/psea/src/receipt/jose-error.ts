/**
 * Translate jose's errors into ReceiptError codes. It reads jose's stable
 * `code` (and `claim`/`reason` on claim errors), never message text, so a
 * jose upgrade that rewords a message changes nothing here.
 */
import { ReceiptError, type ReceiptErrorCode } from './errors.ts';

interface JoseLike {
  code?: unknown;
  claim?: unknown;
  reason?: unknown;
}

const CLAIM_MISMATCH: Record<string, ReceiptErrorCode> = {
  typ: 'typ_invalid',
  iss: 'issuer_mismatch',
  aud: 'audience_mismatch',
  nbf: 'not_yet_valid',
  // jose checks iat only with maxTokenAge; a failed check there means "in the future".
  iat: 'not_yet_valid',
};

/**
 * The ReceiptError for whatever `jwtVerify` threw. Errors that are already
 * ReceiptErrors pass through; anything unrecognised becomes `malformed`, so
 * a hostile token can only ever produce a ReceiptError.
 */
export function fromJoseError(err: unknown): ReceiptError {
  if (err instanceof ReceiptError) return err;
  const { code, claim, reason } = (typeof err === 'object' && err !== null ? err : {}) as JoseLike;
  switch (code) {
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return new ReceiptError('alg_not_allowed', 'receipt alg is not ES256 or EdDSA', {
        cause: err,
      });
    case 'ERR_JOSE_NOT_SUPPORTED':
      // With the alg allow-list checked first, only an unknown `crit` extension gets here.
      return new ReceiptError(
        'malformed',
        'receipt header has a critical extension that is not understood',
        { cause: err },
      );
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return new ReceiptError(
        'key_unknown',
        'no key in the key set matches the receipt kid and alg',
        { cause: err },
      );
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return new ReceiptError('signature_invalid', 'receipt signature does not verify', {
        cause: err,
      });
    case 'ERR_JWT_EXPIRED':
      return new ReceiptError(
        'expired',
        claim === 'iat' ? 'receipt is older than maxAge' : 'receipt has expired',
        { cause: err },
      );
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const name = typeof claim === 'string' ? claim : 'unspecified';
      const mapped = reason === 'check_failed' ? CLAIM_MISMATCH[name] : undefined;
      if (mapped) return new ReceiptError(mapped, `receipt "${name}" check failed`, { cause: err });
      return new ReceiptError(
        'claim_invalid',
        `receipt claim "${name}" is ${reason === 'missing' ? 'missing' : 'invalid'}`,
        { cause: err },
      );
    }
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return new ReceiptError(
        'malformed',
        'receipt is not a well-formed JWS with a JSON object payload',
        { cause: err },
      );
    default:
      return new ReceiptError('malformed', 'receipt could not be verified', { cause: err });
  }
}
