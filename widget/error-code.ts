import type { WebAuthnErrorCode } from '@simplewebauthn/browser';
// A type only: the codes' list stays out of the bundle.
import type { ServiceErrorCode } from '../packages/psea/src/internal/problem-codes.ts';

/**
 * Every `code` a `psea-error` can carry, a closed union: a docs/api.md problem code
 * from the service, a `WebAuthnError` code, or one the widget adds itself
 * (`http_<status>`: a non-JSON error answer, e.g. from a proxy).
 */
export type PseaErrorCode =
  | ServiceErrorCode
  | WebAuthnErrorCode
  | 'network_error'
  /** The service answered, but not to this page: its origin is not in ALLOWED_ORIGINS (no CORS). */
  | 'origin_not_allowed'
  | 'unsupported'
  | 'cancelled'
  | 'invalid_response'
  | 'no_approver'
  /** Offline: the bundle is not a readable `psea-offline+jwt`. */
  | 'bundle_invalid'
  /** Offline: every grant of the bundle is used on this device. */
  | 'no_grant'
  /** A batch whose items shown do not rebuild what would be signed (docs/batches.md). */
  | 'batch_mismatch'
  | 'webauthn_error'
  | `http_${number}`;
