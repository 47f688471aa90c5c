import { jwtVerify } from 'jose';
import { ReceiptError } from './errors.ts';
import { fromJoseError } from './jose-error.ts';
import { receiptClaims } from './receipt-claims.ts';
import { sha256B64url } from './sha256-b64url.ts';
import { RECEIPT_TYP } from './sign-receipt.ts';
import { statementFromClaims } from './statement.ts';
import type { ReceiptAlg, ReceiptClaims, Statement } from './types.ts';
import { checkOptions, type VerifyReceiptOptions } from './verify-options.ts';

export type { VerifyReceiptOptions } from './verify-options.ts';

/** A verified receipt's protected header. `typ` is reported in its canonical form. */
export interface ReceiptHeader {
  alg: ReceiptAlg;
  kid: string;
  typ: typeof RECEIPT_TYP;
}

export interface VerifiedReceipt {
  claims: ReceiptClaims;
  header: ReceiptHeader;
  /**
   * The statement the passkey signed, rebuilt from the claims. For an audit,
   * `await statementChallenge(statement)` is the challenge in the passkey's
   * `clientDataJSON`. It is not computed here: a WebCrypto digest costs about
   * a fifth of a verify in Node, and most callers never need it.
   */
  statement: Statement;
}

// An allow-list, so `none`, HS256 (keyed with the public key) and RS256 never reach a key.
const ALGORITHMS: ReceiptAlg[] = ['ES256', 'EdDSA'];
const REQUIRED_CLAIMS = ['iss', 'sub', 'aud', 'iat', 'exp', 'jti'];
/** Receipts are well under 2 KiB; refuse to parse megabytes. */
const MAX_TOKEN_LENGTH = 16_384;

/** Equal-length strings compared without an early exit. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Verify a PSEA execution receipt, for a host backend about to execute an
 * action. Checks, all of them: a compact JWS signed with ES256 or EdDSA by a
 * key from the given JWKS (never a key named in the token's own `jwk`, `jku`,
 * `x5u` or `x5c` header); `typ: psea-receipt+jwt`; `iss` and `aud` exactly;
 * `exp`, `nbf`, `iat` and `maxAge` against `now` with `clockTolerance`; every
 * claim SPEC.md lists, typed (`uv` true, `cred` complete); and, when given,
 * `act` equal to `hashAction(action)` and to `actionHash`.
 *
 * Verification costs about what bare jose `jwtVerify` does when the same `jwks`
 * object (or `jwksUrl`) is passed each time: imported keys are cached per
 * object and per URL. Single use is not checked here; redeem the receipt
 * (`POST /v1/receipts/redeem`) or store its `jti` until `exp` for that.
 *
 * @throws {ReceiptError} with a `code` saying which check failed; messages
 *   never contain the token.
 *
 * @example
 * ```ts
 * import { verifyReceipt, ReceiptError } from 'psea/receipt';
 *
 * const { claims } = await verifyReceipt(req.body.receipt, {
 *   jwksUrl: 'https://approve.example.com/.well-known/jwks.json',
 *   issuer: 'https://approve.example.com',
 *   audience: 'payments-api',
 *   action: pendingTransfer, // the exact object sent to POST /v1/actions
 * });
 * if (claims.sub !== session.userId) throw new Error('approved by someone else');
 * await executeTransfer(pendingTransfer);
 * ```
 */
export async function verifyReceipt(token: string, options: VerifyReceiptOptions): Promise<VerifiedReceipt> {
  const opts = checkOptions(options);
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
    throw new ReceiptError('malformed', 'receipt must be a compact JWS string of at most 16 KiB');
  }
  // Hash the action while the signature is checked; the catch only keeps an early failure from going unhandled.
  const expectedAct = opts.actionJson === undefined ? undefined : sha256B64url(opts.actionJson);
  expectedAct?.catch(() => undefined);

  let verified: Awaited<ReturnType<typeof jwtVerify>>;
  try {
    verified = await jwtVerify(token, opts.getKey, {
      algorithms: ALGORITHMS,
      typ: RECEIPT_TYP,
      issuer: opts.issuer,
      audience: opts.audience,
      requiredClaims: REQUIRED_CLAIMS,
      currentDate: opts.now,
      clockTolerance: opts.tolerance,
      maxTokenAge: opts.maxAge,
    });
  } catch (err) {
    throw fromJoseError(err);
  }

  const nowSeconds = Math.floor(opts.now.getTime() / 1000);
  const claims = receiptClaims(verified.payload, nowSeconds, opts.tolerance);

  // Compare act with what the caller is about to execute.
  if (expectedAct !== undefined && !sameText(await expectedAct, claims.act)) {
    throw new ReceiptError('action_mismatch', 'receipt act is not the hash of the given action');
  }
  if (opts.actionHash !== undefined && !sameText(opts.actionHash, claims.act)) {
    throw new ReceiptError('action_mismatch', 'receipt act is not the given actionHash');
  }

  const { alg, kid } = verified.protectedHeader;
  return {
    claims,
    header: { alg: alg as ReceiptAlg, kid: kid as string, typ: RECEIPT_TYP },
    statement: statementFromClaims(claims),
  };
}
