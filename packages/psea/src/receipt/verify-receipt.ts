import { ReceiptError } from './errors.ts';
import { sha256B64url } from '../internal/sha256-b64url.ts';
import { statementFromClaims } from './statement.ts';
import type { ReceiptClaims, Statement } from './types.ts';
import { checkOptions, type VerifyReceiptOptions } from './verify-options.ts';
import { checkBatch } from './batch-check.ts';
import { verifyReceiptToken, type ReceiptHeader } from './verify-token.ts';
import {
  checkQuorumReceipt,
  quorumStatements,
  verifyQuorumToken,
  type VerifiedQuorumReceipt,
} from './verify-quorum.ts';
import type { QuorumOption } from './quorum-types.ts';

export type { VerifyReceiptOptions } from './verify-options.ts';
export type { ReceiptHeader } from './verify-token.ts';
export type { VerifiedQuorumReceipt } from './verify-quorum.ts';

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

/** Strings compared without an early exit on the first differing character. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** Start a hash while the signature is checked; the catch only keeps an early failure from going unhandled. */
function early(json: string | undefined): Promise<string> | undefined {
  const hash = json === undefined ? undefined : sha256B64url(json);
  hash?.catch(() => undefined);
  return hash;
}

/**
 * Verify a PSEA execution receipt, for a host backend about to execute an
 * action for one of its users. Checks, all of them, in this order: the
 * options (`subject` and exactly one of `action`, `actionHash` and
 * `action: false` are required, unknown options refused); a compact JWS
 * signed with ES256 or EdDSA by a key from the given JWKS (never a key named
 * in the token's own `jwk`, `jku`, `x5u` or `x5c` header);
 * `typ: psea-receipt+jwt`; `iss` and `aud` exactly; `exp`, `nbf`, `iat` and
 * `maxAge` against `now` with `clockTolerance`; every claim docs/api.md lists,
 * typed; then `sub` equal to `subject`; `act` equal to `hashAction(action)`
 * or to `actionHash`; with `display`, `dsp` equal to `hashDisplay(display)`;
 * and no `offline: true` unless `allowOffline`.
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
 * const pending = await db.pendingTransfer(session.userId, req.body.transferId); // our record, not the page's
 * const { claims } = await verifyReceipt(req.body.receipt, {
 *   jwksUrl: 'https://approve.example.com/.well-known/jwks.json',
 *   issuer: 'https://approve.example.com',
 *   audience: 'payments-api',
 *   subject: session.userId,   // the user this backend acts for
 *   action: pending.action,    // the exact object sent to POST /v1/actions
 * });
 * await executeTransfer(pending, { receipt: claims.jti });
 * ```
 */
export async function verifyReceipt(
  token: string,
  options: VerifyReceiptOptions & { quorum: QuorumOption },
): Promise<VerifiedQuorumReceipt>;
export async function verifyReceipt(
  token: string,
  options: VerifyReceiptOptions,
): Promise<VerifiedReceipt>;
export async function verifyReceipt(
  token: string,
  options: VerifyReceiptOptions,
): Promise<VerifiedReceipt | VerifiedQuorumReceipt> {
  const opts = checkOptions(options);
  const expectedAct = opts.action && 'json' in opts.action ? early(opts.action.json) : undefined;
  const expectedDsp = early(opts.displayJson);

  // With a quorum option only a quorum receipt is read (docs/quorum.md); without, only a single one.
  const { claims, header } = opts.quorum
    ? await verifyQuorumToken(token, opts.token)
    : await verifyReceiptToken(token, opts.token);

  // Whose approval: a genuine receipt from another account is the substitution attack.
  if (!sameText(opts.subject, claims.sub))
    throw new ReceiptError('subject_mismatch', 'receipt sub is not the given subject');
  // For what: act against what the caller is about to execute. A batch receipt is checked
  // against its items only, a single one never against a batch (docs/batches.md).
  if (opts.action && 'batch' in opts.action) {
    // A quorum approves one action, never a batch (docs/quorum.md).
    if (opts.quorum)
      throw new ReceiptError('action_mismatch', 'a quorum receipt is for one action, not a batch');
    await checkBatch(claims as VerifiedReceipt['claims'], opts.action.batch);
  } else if (opts.action && 'batch' in claims && claims.batch !== undefined) {
    throw new ReceiptError(
      'action_mismatch',
      'receipt is for a batch: pass its items (batch) or one item (item), not an action',
    );
  }
  if (expectedAct !== undefined && !sameText(await expectedAct, claims.act)) {
    throw new ReceiptError('action_mismatch', 'receipt act is not the hash of the given action');
  }
  if (opts.action && 'hash' in opts.action && !sameText(opts.action.hash, claims.act)) {
    throw new ReceiptError('action_mismatch', 'receipt act is not the given actionHash');
  }
  // Shown how: a receipt without dsp proves no display, so it cannot pass a display check.
  if (
    expectedDsp !== undefined &&
    (claims.dsp === undefined || !sameText(await expectedDsp, claims.dsp))
  ) {
    throw new ReceiptError(
      'display_mismatch',
      claims.dsp === undefined
        ? 'receipt has no dsp'
        : 'receipt dsp is not the hash of the given display',
    );
  }
  if (opts.quorum) {
    const quorum = claims as VerifiedQuorumReceipt['claims'];
    await checkQuorumReceipt(quorum, opts.subject, opts.quorum);
    return {
      claims: quorum,
      header: header as VerifiedQuorumReceipt['header'],
      statements: quorumStatements(quorum),
    };
  }
  const single = claims as VerifiedReceipt['claims'];
  // Offline, the action was chosen on a device, not by this backend: only when asked for.
  if (single.offline === true && !opts.allowOffline) {
    throw new ReceiptError(
      'offline_not_allowed',
      'receipt is from an offline approval; pass allowOffline: true to accept one',
    );
  }

  return {
    claims: single,
    header: header as ReceiptHeader,
    statement: statementFromClaims(single),
  };
}
