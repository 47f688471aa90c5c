import { canonicalJson } from '../lib/canonical-json.ts';
import { sha256B64url } from '../lib/sha256-b64url.ts';
import type { ReceiptClaims, Statement } from './types.ts';

/**
 * The WebAuthn challenge for a statement: base64url(SHA-256(UTF-8(JCS(statement)))).
 * The passkey signs this, so the signature binds the exact action, user,
 * audience, display (v2 `dsp`) and nonce, checkable by anyone who holds the statement.
 *
 * @example
 * ```ts
 * const challenge = await statementChallenge({
 *   v: 1, iss: 'https://approve.example.com', aud: 'payments-api',
 *   sub: 'u-123', act: await hashAction(action), dsp: await hashDisplay(display), nonce: randomId(),
 * });
 * ```
 */
export async function statementChallenge(statement: Statement): Promise<string> {
  return sha256B64url(canonicalJson(statement));
}

/**
 * Rebuild the signed statement from a receipt's claims (SPEC.md "Receipt"),
 * taking only the statement's members so extra claims cannot leak in;
 * `dsp` (v2) is part of it when the receipt carries one.
 *
 * @example
 * ```ts
 * const { claims } = await verifyReceipt(token, { jwks, issuer, audience: 'payments-api', subject: 'u-123', action });
 * const challenge = await statementChallenge(statementFromClaims(claims));
 * // equals the challenge in the passkey's clientDataJSON
 * ```
 */
export function statementFromClaims(claims: ReceiptClaims): Statement {
  const { iss, aud, sub, act, dsp, nonce } = claims;
  return dsp === undefined ? { v: 1, iss, aud, sub, act, nonce } : { v: 1, iss, aud, sub, act, dsp, nonce };
}
