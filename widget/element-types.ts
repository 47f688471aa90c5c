/** The elements' public shapes: their states and the `psea-error` detail. */
import type { PseaErrorCode } from './error-code';

/** What a person can see; reflected to the `state` attribute for host styling. */
export type PseaState =
  | 'loading'
  | 'ready'
  | 'waiting'
  | 'verifying'
  | 'done'
  | 'error'
  | 'cancelled'
  /** Offline: approved and kept on this device, not yet verified by the service. */
  | 'stored';

/** `psea-error` detail: a problem code from docs/api.md, a `WebAuthnError` code, or one the widget adds (PseaErrorCode). */
export interface PseaErrorDetail {
  code: PseaErrorCode;
  message: string;
}
