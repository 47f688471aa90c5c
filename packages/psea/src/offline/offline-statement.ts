/**
 * What a device builds before the ceremony (docs/offline.md ("Offline approvals")):
 * the offline statement for a grant and an action, and its challenge. The
 * verifier recomputes both, so the device and the verifier share this code.
 */
import { canonicalJson } from '../internal/canonical-json.ts';
import { hashAction } from '../receipt/hash-action.ts';
import { hashDisplay } from '../receipt/hash-display.ts';
import { sha256B64url } from '../internal/sha256-b64url.ts';
import type { OfflineBundleClaims, OfflineStatement } from './types.ts';

export interface OfflineStatementInput {
  /** The bundle's claims (whose `iss`, `aud` and `sub` the statement takes). */
  bundle: Pick<OfflineBundleClaims, 'iss' | 'aud' | 'sub'>;
  /** One of the bundle's grants, not used before on this device. */
  nonce: string;
  action: Record<string, unknown> & { type: string };
  /** What the person is shown; committed to as `dsp` when given. */
  display?: unknown;
  /** The device clock in seconds. Default: `Math.floor(Date.now() / 1000)`. */
  signedAt?: number;
}

/**
 * Build the offline statement `{ v: 1, iss, aud, sub, act, dsp?, nonce, mode: "offline", signed_at }`.
 *
 * @throws {ReceiptError} `invalid_json` when the action or display has no JSON form.
 *
 * @example
 * ```ts
 * const statement = await offlineStatement({ bundle: claims, nonce: claims.grants[0], action, display });
 * const challenge = await offlineChallenge(statement); // the WebAuthn challenge to sign
 * ```
 */
export async function offlineStatement(input: OfflineStatementInput): Promise<OfflineStatement> {
  const { iss, aud, sub } = input.bundle;
  const act = await hashAction(input.action);
  const signed_at = input.signedAt ?? Math.floor(Date.now() / 1000);
  const statement: OfflineStatement = {
    v: 1,
    iss,
    aud,
    sub,
    act,
    nonce: input.nonce,
    mode: 'offline',
    signed_at,
  };
  if (input.display !== undefined) statement.dsp = await hashDisplay(input.display);
  return statement;
}

/** The WebAuthn challenge for an offline statement: base64url(SHA-256(UTF-8(JCS(statement)))). */
export function offlineChallenge(statement: OfflineStatement): Promise<string> {
  return sha256B64url(canonicalJson(statement));
}
