/** `ReceiptError` lives in internal/ so that internal/canonical-json.ts can throw it; this is its public home. */
export { ReceiptError, type ReceiptErrorCode } from '../internal/receipt-error.ts';
