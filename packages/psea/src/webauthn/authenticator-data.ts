import {
  parseAuthenticatorData,
  type ParsedAuthenticatorData,
} from '@simplewebauthn/server/helpers';
import { WebAuthnError } from './errors.ts';
import { equalBytes } from './bytes';

export type AuthenticatorData = ParsedAuthenticatorData;

/** Parse authenticator data; bytes that do not parse are a malformed body (400). */
export function decodeAuthenticatorData(
  bytes: Uint8Array<ArrayBuffer>,
  field: string,
): AuthenticatorData {
  if (bytes.length < 37) throw new WebAuthnError('invalid_request', `${field}: too short`);
  try {
    return parseAuthenticatorData(bytes);
  } catch {
    throw new WebAuthnError('invalid_request', `${field}: malformed`);
  }
}

/**
 * The checks every ceremony needs on authenticator data, in docs/api.md order:
 * rpIdHash, UP, UV, then flags that cannot be (BS without BE).
 */
export function checkAuthenticatorData(data: AuthenticatorData, rpIdHash: Uint8Array): void {
  // Refuse assertions made for another RP ID (this also refuses the FIDO appid hash).
  if (!equalBytes(data.rpIdHash, rpIdHash)) throw new WebAuthnError('rp_id_mismatch');
  // Require user presence: a touch, not a silent signature.
  if (!data.flags.up) throw new WebAuthnError('user_presence_required');
  // Require user verification: the enrolled human, not whoever holds the device.
  if (!data.flags.uv) throw new WebAuthnError('user_verification_required');
  // A credential cannot be backed up unless it is backup eligible.
  if (data.flags.bs && !data.flags.be)
    throw new WebAuthnError('flags_invalid', 'BS set with BE clear');
}
