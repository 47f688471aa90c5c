import { canonicalJson } from '../internal/canonical-json.ts';
import { sha256B64url } from '../internal/sha256-b64url.ts';
import type { OfflineStatement, ReceiptClaims, Statement } from './types.ts';

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
 * Rebuild the signed statement from a receipt's claims (docs/api.md ("Receipt")),
 * taking only the statement's members so extra claims cannot leak in;
 * `dsp` (v2) is part of it when the receipt carries one, and an offline
 * receipt (`offline: true`) rebuilds the offline statement, with
 * `mode: "offline"` and the device's `signed_at`.
 *
 * @example
 * ```ts
 * const { claims } = await verifyReceipt(token, { jwks, issuer, audience: 'payments-api', subject: 'u-123', action });
 * const challenge = await statementChallenge(statementFromClaims(claims));
 * // equals the challenge in the passkey's clientDataJSON
 * ```
 */
export function statementFromClaims(claims: ReceiptClaims): Statement | OfflineStatement {
  const { iss, aud, sub, act, dsp, nonce } = claims;
  const statement: Statement =
    dsp === undefined
      ? { v: 1, iss, aud, sub, act, nonce }
      : { v: 1, iss, aud, sub, act, dsp, nonce };
  // v2 offline: the device signed the statement marked offline, with its own clock.
  if (claims.offline === true && claims.signed_at !== undefined)
    return { ...statement, mode: 'offline', signed_at: claims.signed_at };
  return statement;
}
