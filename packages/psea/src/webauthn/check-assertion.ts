import { WebAuthnError } from './errors.ts';
import {
  checkAuthenticatorData,
  decodeAuthenticatorData,
  type AuthenticatorData,
} from './authenticator-data';
import { b64urlField } from './bytes';
import { checkClientData, parseClientData } from './client-data';

export interface AssertionExpectation {
  /** The ticket's challenge (base64url). */
  challenge: string;
  rpIdHash: Uint8Array<ArrayBuffer>;
  allowedOrigins: ReadonlySet<string>;
  /** The ticket's rule's `origins`, when it names any. */
  ruleOrigins?: ReadonlySet<string>;
}

/** The assertion's bytes, decoded once and checked, ready for the signature check. */
export interface CheckedAssertion {
  authData: AuthenticatorData;
  authenticatorData: Uint8Array<ArrayBuffer>;
  clientDataJSON: Uint8Array<ArrayBuffer>;
  signature: Uint8Array<ArrayBuffer>;
}

interface AssertionResponse {
  response: { clientDataJSON: string; authenticatorData: string; signature: string };
}

/**
 * Every check of an assertion that needs no credential, in docs/api.md order, each
 * with its own code: client data type, challenge and origin, then rpIdHash,
 * UP, UV and BS-without-BE. Undecodable bytes are a malformed body (400).
 */
export function checkAssertion(
  response: AssertionResponse,
  expected: AssertionExpectation,
): CheckedAssertion {
  const clientDataJSON = b64urlField(response.response.clientDataJSON, 'response.clientDataJSON');
  checkClientData(parseClientData(clientDataJSON), {
    type: 'webauthn.get',
    challenge: expected.challenge,
    allowedOrigins: expected.allowedOrigins,
    ...(expected.ruleOrigins ? { ruleOrigins: expected.ruleOrigins } : {}),
  });
  const authenticatorData = b64urlField(
    response.response.authenticatorData,
    'response.authenticatorData',
  );
  const authData = decodeAuthenticatorData(authenticatorData, 'response.authenticatorData');
  checkAuthenticatorData(authData, expected.rpIdHash);
  const signature = b64urlField(response.response.signature, 'response.signature');
  if (signature.length === 0) throw new WebAuthnError('signature_invalid', 'empty signature');
  return { authData, authenticatorData, clientDataJSON, signature };
}
