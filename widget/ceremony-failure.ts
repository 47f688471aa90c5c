import { Failure } from './api';
import type { PseaErrorCode } from './error-code';

/**
 * WebAuthn failures that no retry on this page can fix. A passkey already registered for the
 * account stays registered: the same prompt would find it again.
 */
const FINAL = new Set<PseaErrorCode>([
  'ERROR_INVALID_DOMAIN',
  'ERROR_INVALID_RP_ID',
  'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED',
  'unsupported',
]);

/**
 * A ceremony failure as a `Failure`. `NotAllowedError` (the person dismissed
 * the prompt, or it timed out) is a cancel; `WebAuthnError` keeps its `code`.
 * Only `name` and `code` are read, never the message text.
 */
export function ceremonyFailure(e: unknown): Failure {
  if (e instanceof Failure) return e;
  const err = e as { name?: string; code?: unknown } | null;
  if (err?.name === 'NotAllowedError') return new Failure('cancelled', true, true);
  // A WebAuthnError's code is one of its closed set.
  const code: PseaErrorCode =
    typeof err?.code === 'string'
      ? (err.code as PseaErrorCode)
      : err?.name === 'AbortError'
        ? 'ERROR_CEREMONY_ABORTED'
        : 'webauthn_error';
  return new Failure(code, !FINAL.has(code));
}
