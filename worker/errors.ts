import type { ServiceErrorCode } from '../packages/psea/src/internal/problem-codes.ts';
import { CodedError } from '../packages/psea/src/internal/coded-error.ts';
import { WebAuthnError } from '../packages/psea/src/webauthn/errors.ts';
/**
 * The closed set of problem codes from docs/api.md, each with its HTTP status and
 * title. Handlers throw `ProblemError`; `app.onError` turns it into RFC 9457
 * problem+json. Anything else becomes a logged, generic 500.
 */
export const PROBLEMS = {
  invalid_request: [400, 'Invalid request'],
  unauthorized: [401, 'Unauthorized'],
  ticket_not_found: [404, 'Ticket not found'],
  not_found: [404, 'Not found'],
  not_enrolled: [409, 'User has no active credential'],
  ticket_used: [409, 'Ticket already used'],
  ticket_expired: [410, 'Ticket expired'],
  payload_too_large: [413, 'Payload too large'],
  origin_mismatch: [422, 'Origin not allowed'],
  rp_id_mismatch: [422, 'RP ID mismatch'],
  challenge_mismatch: [422, 'Challenge mismatch'],
  user_presence_required: [422, 'User presence required'],
  user_verification_required: [422, 'User verification required'],
  credential_unknown: [422, 'Credential unknown'],
  credential_revoked: [422, 'Credential revoked'],
  signature_invalid: [422, 'Signature invalid'],
  counter_regression: [422, 'Signature counter regression'],
  flags_invalid: [422, 'Authenticator flags invalid'],
  attestation_rejected: [422, 'Attestation rejected'],
  policy_unmet: [422, 'Policy unmet'],
  receipt_invalid: [401, 'Receipt invalid'],
  receipt_redeemed: [409, 'Receipt already redeemed'],
  rate_limited: [429, 'Too many failed attempts'],
  not_approved: [409, 'Not approved'],
  idempotency_mismatch: [422, 'Idempotency-Key reused with another body'],
  idempotency_in_progress: [409, 'Request with this Idempotency-Key in progress'],
  quorum_closed: [409, 'Quorum no longer pending'],
  quorum_not_found: [404, 'Quorum not found'],
  misconfigured: [500, 'Service misconfigured'],
  internal_error: [500, 'Internal error'],
  unavailable: [503, 'Service unavailable'],
} as const satisfies Record<string, readonly [number, string]>;

export type ProblemCode = keyof typeof PROBLEMS;

// The library's list (the client's codes, the widget's) and this table name the same codes.
type SameCodes<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const sameCodes: SameCodes<ProblemCode, ServiceErrorCode> = true;
void sameCodes;

/** The 422 codes: a failed check of a ceremony, counted against the ticket. */
export const CEREMONY_FAILURES: ReadonlySet<ProblemCode> = new Set(
  (Object.keys(PROBLEMS) as ProblemCode[]).filter((code) => PROBLEMS[code][0] === 422),
);

/**
 * RFC 9457 extension members of a problem: what a byte-identical retry of an
 * accepted write is owed (its `receipt`), never a secret of anyone else's.
 */
export type ProblemExtensions = Readonly<Record<string, unknown>>;

/** Seconds a client waits before retrying a 503 `unavailable`. */
const RETRY_AFTER_SECONDS = 1;

/** A problem the client may see: its code, status and an optional detail (never a secret). */
export class ProblemError extends CodedError<ProblemCode> {
  readonly status: number;
  readonly detail: string | undefined;
  readonly extensions: ProblemExtensions | undefined;

  constructor(code: ProblemCode, detail?: string, extensions?: ProblemExtensions) {
    super(code, detail ?? PROBLEMS[code][1]);
    this.status = PROBLEMS[code][0];
    this.detail = detail;
    this.extensions = extensions;
  }
}

/**
 * The problem a thrown error answers with, or undefined for a bug: a
 * `WebAuthnError` from the library's shared checks becomes the problem of
 * its code (its message the detail).
 */
export function asProblem(err: unknown): ProblemError | undefined {
  if (err instanceof ProblemError) return err;
  if (err instanceof WebAuthnError)
    return new ProblemError(err.code, err.message === err.code ? undefined : err.message);
  return undefined;
}

/** Plain-data form, for crossing the Durable Object RPC boundary without losing the code. */
interface ProblemJSON {
  type: 'about:blank';
  status: number;
  title: string;
  code: ProblemCode;
  detail?: string;
  [extension: string]: unknown;
}

function toProblem(err: ProblemError): ProblemJSON {
  // Extensions first: they never overwrite the standard members.
  const body: ProblemJSON = {
    ...err.extensions,
    type: 'about:blank',
    status: err.status,
    title: PROBLEMS[err.code][1],
    code: err.code,
  };
  if (err.detail !== undefined) body.detail = err.detail;
  return body;
}

export function problemResponse(err: ProblemError, headers?: HeadersInit): Response {
  const h = new Headers(headers);
  h.set('content-type', 'application/problem+json');
  h.set('cache-control', 'no-store');
  h.set('x-content-type-options', 'nosniff');
  if (err.code === 'unavailable') h.set('retry-after', String(RETRY_AFTER_SECONDS));
  return new Response(JSON.stringify(toProblem(err)), { status: err.status, headers: h });
}
