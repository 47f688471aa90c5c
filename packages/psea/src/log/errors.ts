import { CodedError } from '../internal/coded-error.ts';

/**
 * One error class for the log, with a stable `code` from a closed union (as
 * `ReceiptError` does for receipts): the service maps codes to problems, a
 * verifier reports them by name. Messages say what failed and never echo key
 * material.
 */

/** Every way a log operation can fail. */
export type LogErrorCode =
  /** A note key string (signer or verifier) is malformed, of an unknown algorithm, or its key hash does not match. */
  | 'invalid_key'
  /** The text is not a signed note: control characters, no signature block, a bad signature line. */
  | 'malformed_note'
  /** The note parsed, but no signature by any of the given keys is on it. */
  | 'unverified_note'
  /** A signature by one of the given keys is on the note and does not verify. */
  | 'signature_invalid'
  /** The note text is not a checkpoint (origin, decimal size, base64 SHA-256 root), or not the expected origin. */
  | 'invalid_checkpoint'
  /** An inclusion or consistency proof does not prove what it is claimed to. */
  | 'proof_invalid'
  /** A leaf index or tree size beyond the tree (or a proof asked for between sizes that cannot have one). */
  | 'out_of_range';

/**
 * The one error type of `packages/psea/src/log`.
 *
 * @example
 * ```ts
 * try {
 *   await verifyInclusion(leaf, 7, 12, proof, root);
 * } catch (err) {
 *   if (err instanceof LogError && err.code === 'proof_invalid') report('log', 'fail', err.message);
 *   else throw err;
 * }
 * ```
 */
export class LogError extends CodedError<LogErrorCode> {}
