/**
 * `psea/receipt`: everything a backend needs to hash an action and verify a
 * PSEA execution receipt, and what the Worker uses to sign one. Runtime
 * agnostic: WebCrypto and jose only, no `cloudflare:*` or `node:*` imports,
 * no globals read but `crypto` (and `fetch`, only for a `jwksUrl`).
 */
export { canonicalJson } from './canonical-json.ts';
export { sha256B64url } from './sha256-b64url.ts';
export { hashAction } from './hash-action.ts';
export { hashDisplay } from './hash-display.ts';
export { statementChallenge, statementFromClaims } from './statement.ts';
export { randomId } from './random-id.ts';
export { loadSigningKeys } from './signing-keys.ts';
export { signReceipt, RECEIPT_TYP } from './sign-receipt.ts';
export { verifyReceipt, type ReceiptHeader, type VerifiedReceipt, type VerifyReceiptOptions } from './verify-receipt.ts';
export { DEFAULT_CLOCK_TOLERANCE_SECONDS } from './verify-options.ts';
export { ReceiptError, type ReceiptErrorCode } from './errors.ts';
export type * from './types.ts';
