/**
 * `psea/receipt`: everything a backend needs to hash an action and verify a
 * PSEA execution receipt. Runtime agnostic: WebCrypto and jose only, no
 * `cloudflare:*` or `node:*` imports, no globals read but `crypto` (and
 * `fetch`, only for a `jwksUrl`). The Worker signs with sign-receipt.ts and
 * signing-keys.ts, imported from their files: a backend never signs.
 */
export { hashAction } from './hash-action.ts';
export { hashDisplay } from './hash-display.ts';
export { statementChallenge, statementFromClaims } from './statement.ts';
export {
  verifyReceipt,
  type ReceiptHeader,
  type VerifiedReceipt,
  type VerifiedQuorumReceipt,
  type VerifyReceiptOptions,
} from './verify-receipt.ts';
export { hashQuorum, QUORUM_TYP } from './quorum-hash.ts';
export type * from './quorum-types.ts';
export type { ActionOption, VerifyReceiptBaseOptions } from './verify-options.ts';
export { DEFAULT_CLOCK_TOLERANCE_SECONDS } from './verify-options.ts';
export {
  batchAction,
  batchProof,
  batchRoot,
  type BatchAction,
  type BatchSummary,
} from './batch.ts';
export type { BatchItemOption } from './batch-check.ts';
export { ReceiptError, type ReceiptErrorCode } from './errors.ts';
export type * from './types.ts';
