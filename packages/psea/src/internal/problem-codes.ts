/**
 * The problem codes the service answers with (docs/api.md "Errors").
 *
 * @example
 * ```ts
 * const fromService = err instanceof PseaError && (SERVICE_ERROR_CODES as readonly string[]).includes(err.code);
 * ```
 */
export const SERVICE_ERROR_CODES = [
  'invalid_request',
  'unauthorized',
  'ticket_not_found',
  'not_found',
  'not_enrolled',
  'ticket_used',
  'ticket_expired',
  'payload_too_large',
  'origin_mismatch',
  'rp_id_mismatch',
  'challenge_mismatch',
  'user_presence_required',
  'user_verification_required',
  'credential_unknown',
  'credential_revoked',
  'signature_invalid',
  'counter_regression',
  'flags_invalid',
  'attestation_rejected',
  'policy_unmet',
  'receipt_invalid',
  'receipt_redeemed',
  'rate_limited',
  'not_approved',
  'idempotency_mismatch',
  'idempotency_in_progress',
  'quorum_closed',
  'quorum_not_found',
  'misconfigured',
  'internal_error',
  'unavailable',
] as const;

/** A problem code the service answers with. */
export type ServiceErrorCode = (typeof SERVICE_ERROR_CODES)[number];
