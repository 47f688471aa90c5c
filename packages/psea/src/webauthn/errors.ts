import { CodedError } from '../internal/coded-error.ts';

/** The checks of a WebAuthn response the service and the verifiers share; codes as the service's problems. */
export type WebAuthnErrorCode =
  | 'invalid_request'
  | 'origin_mismatch'
  | 'rp_id_mismatch'
  | 'challenge_mismatch'
  | 'user_presence_required'
  | 'user_verification_required'
  | 'flags_invalid'
  | 'signature_invalid'
  | 'attestation_rejected';

/**
 * A WebAuthn response failed one of the shared checks. The service turns it
 * into the problem of the same code; `psea/evidence` and `psea/offline` into
 * their own results.
 */
export class WebAuthnError extends CodedError<WebAuthnErrorCode> {
  constructor(code: WebAuthnErrorCode, message?: string) {
    super(code, message ?? code);
  }
}
