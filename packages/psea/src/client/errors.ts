import { CodedError } from '../internal/coded-error.ts';

/**
 * One error class for everything the client can fail with, with `code` from a
 * closed union, as `psea/receipt` does it: callers `switch (err.code)` and
 * TypeScript narrows. The service's codes come first, exactly as docs/api.md and
 * docs/api.md list them; the client adds a few of its own for what happens
 * before or instead of an answer. Messages never carry an API key, a status
 * token or a body the service did not send as a problem.
 */

export { SERVICE_ERROR_CODES } from '../internal/problem-codes.ts';
import { SERVICE_ERROR_CODES } from '../internal/problem-codes.ts';

/**
 * Codes of the client's own, for failures that are not a problem answered by the service.
 *
 * @example
 * ```ts
 * if (err instanceof PseaError && CLIENT_ERROR_CODES.includes(err.code as ClientErrorCode)) log.warn('no answer from PSEA', err.code);
 * ```
 */
export const CLIENT_ERROR_CODES = [
  /** `waitForApproval`'s `timeoutMs` passed while the approval was still pending (or unreachable). */
  'timeout',
  /** The caller's `AbortSignal` fired; `cause` is its reason. */
  'aborted',
  /** No answer at all (DNS, TCP, TLS, a reset connection), after the retries an idempotent call gets. */
  'network_error',
  /** An answer that is not what docs/api.md says: not JSON, a redirect, an error without a known problem code. */
  'invalid_response',
  /** `verifyWebhook`: missing headers, a signature that does not verify, a timestamp out of tolerance, a body that is no event. */
  'webhook_invalid',
  /** The client was called in a way that cannot work: no API key for a server route, a bad `baseUrl`, a bad webhook secret. */
  'invalid_options',
] as const;

/** A code the service answers with, e.g. `'not_enrolled'`. */
export type ServiceErrorCode = (typeof SERVICE_ERROR_CODES)[number];
/** A code of the client's own, e.g. `'timeout'`. */
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];
/**
 * Every code a `PseaError` can carry. The set is closed: a new code is a breaking change.
 *
 * @example
 * ```ts
 * function retryable(code: PseaErrorCode): boolean {
 *   return code === 'unavailable' || code === 'network_error' || code === 'timeout';
 * }
 * ```
 */
export type PseaErrorCode = ServiceErrorCode | ClientErrorCode;

const SERVICE_CODES: ReadonlySet<string> = new Set(SERVICE_ERROR_CODES);
export const isServiceErrorCode = (code: unknown): code is ServiceErrorCode =>
  typeof code === 'string' && SERVICE_CODES.has(code);

/**
 * An RFC 9457 problem as the service sends it, extension members included (a `ticket_used` may carry a `receipt`).
 *
 * @example
 * ```ts
 * if (err instanceof PseaError && err.problem) console.log(err.problem.title, err.problem.detail);
 * ```
 */
export interface Problem {
  type: string;
  status: number;
  title: string;
  code: ServiceErrorCode;
  detail?: string;
  [extension: string]: unknown;
}

export interface PseaErrorInit {
  /** The HTTP status, when the service (or something in front of it) answered. */
  status?: number;
  detail?: string;
  /** The problem body, when the answer was one. */
  problem?: Problem;
  cause?: unknown;
}

/**
 * The one error type of `psea/client`: every method rejects with it, and
 * `verifyWebhook` throws it.
 *
 * @example
 * ```ts
 * try {
 *   await psea.requestApproval({ user: { id: 'u-123' }, action, audience: 'payments-api' });
 * } catch (err) {
 *   if (!(err instanceof PseaError)) throw err;
 *   switch (err.code) {
 *     case 'not_enrolled': return askToEnrollFirst();
 *     case 'invalid_request': return reply(400, err.detail); // names the failing field
 *     case 'unavailable':
 *     case 'network_error': return reply(503, 'try again'); // a POST is never retried for you
 *     default: throw err;
 *   }
 * }
 * ```
 */
export class PseaError extends CodedError<PseaErrorCode> {
  /** The HTTP status of the answer; `undefined` when there was none (`network_error`, `timeout`, `aborted`, …). */
  readonly status: number | undefined;
  /** The problem's `detail` (for `invalid_request`, the failing field), or the client's own explanation. */
  readonly detail: string | undefined;
  /** The whole problem+json body, when the service answered one. */
  readonly problem: Problem | undefined;

  constructor(code: PseaErrorCode, message: string, init: PseaErrorInit = {}) {
    super(code, message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.detail = init.detail;
    this.problem = init.problem;
  }
}
