/**
 * A receipt token's signature, header and claims, and nothing about what it
 * authorises: no subject, action, display or offline check. verifyReceipt
 * adds those, and a backend always goes through it. This half alone serves
 * the service's own redeem route, which spends any genuine receipt once and
 * acts for no user; it is not exported from `psea/receipt`.
 */
import { jwtVerify } from 'jose';
import { ReceiptError } from './errors.ts';
import { fromJoseError } from './jose-error.ts';
import { receiptClaims } from './receipt-claims.ts';
import { RECEIPT_TYP } from './typ.ts';
import type { TokenChecks } from './token-options.ts';
import type { ReceiptAlg, ReceiptClaims } from './types.ts';

/** A verified receipt's protected header. `typ` is reported in its canonical form. */
export interface ReceiptHeader {
  alg: ReceiptAlg;
  kid: string;
  typ: typeof RECEIPT_TYP;
}

// An allow-list, so `none`, HS256 (keyed with the public key) and RS256 never reach a key.
const ALGORITHMS: ReceiptAlg[] = ['ES256', 'EdDSA'];
const REQUIRED_CLAIMS = ['iss', 'sub', 'aud', 'iat', 'exp', 'jti'];
/** Receipts are well under 2 KiB; refuse to parse megabytes. */
const MAX_TOKEN_LENGTH = 16_384;

/**
 * Check a compact JWS is a receipt signed by a key of `checks`, for its
 * issuer and audience, unexpired, with every claim typed.
 *
 * @throws {ReceiptError} with a `code` saying which check failed.
 */
export async function verifyReceiptToken(
  token: string,
  checks: TokenChecks,
): Promise<{ claims: ReceiptClaims; header: ReceiptHeader }> {
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
    throw new ReceiptError('malformed', 'receipt must be a compact JWS string of at most 16 KiB');
  }
  let verified: Awaited<ReturnType<typeof jwtVerify>>;
  try {
    verified = await jwtVerify(token, checks.getKey, {
      algorithms: ALGORITHMS,
      typ: RECEIPT_TYP,
      issuer: checks.issuer,
      audience: checks.audience,
      requiredClaims: REQUIRED_CLAIMS,
      currentDate: checks.now,
      clockTolerance: checks.tolerance,
      maxTokenAge: checks.maxAge,
    });
  } catch (err) {
    throw fromJoseError(err);
  }
  const nowSeconds = Math.floor(checks.now.getTime() / 1000);
  const claims = receiptClaims(verified.payload, nowSeconds, checks.tolerance);
  const { alg, kid } = verified.protectedHeader;
  return { claims, header: { alg: alg as ReceiptAlg, kid: kid as string, typ: RECEIPT_TYP } };
}
