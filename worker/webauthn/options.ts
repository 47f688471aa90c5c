import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type AuthenticatorTransport,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { SUPPORTED_ALGS } from '../../packages/psea/src/webauthn/cose-key';

export interface CredentialDescriptor {
  id: string;
  transports: AuthenticatorTransport[];
}

const TIMEOUT_MS = 120_000;

/** Creation options: a discoverable, user-verified passkey for this user, never a second copy. */
export function registrationOptions(input: {
  rpId: string;
  rpName: string;
  user: { handle: string; name: string; displayName: string };
  challenge: string;
  exclude: CredentialDescriptor[];
  attestation: 'none' | 'direct' | 'enterprise';
}): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return generateRegistrationOptions({
    rpID: input.rpId,
    rpName: input.rpName,
    userID: isoBase64URL.toBuffer(input.user.handle),
    userName: input.user.name,
    userDisplayName: input.user.displayName,
    // Bytes, not a string: the library would UTF-8 encode a string challenge.
    challenge: isoBase64URL.toBuffer(input.challenge),
    timeout: TIMEOUT_MS,
    attestationType: input.attestation,
    excludeCredentials: input.exclude,
    authenticatorSelection: {
      residentKey: 'required',
      requireResidentKey: true,
      userVerification: 'required',
    },
    supportedAlgorithmIDs: [...SUPPORTED_ALGS],
  });
}

/** Request options for one action: only this user's active credentials, UV required. */
export function authenticationOptions(input: {
  rpId: string;
  challenge: string;
  allow: CredentialDescriptor[];
}): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID: input.rpId,
    challenge: isoBase64URL.toBuffer(input.challenge),
    timeout: TIMEOUT_MS,
    userVerification: 'required',
    allowCredentials: input.allow,
  });
}
