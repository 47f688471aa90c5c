import { WebAuthnError } from './errors.ts';
import { sha256Bytes } from '../internal/sha256.ts';
import type { CheckedAssertion } from './check-assertion';
import type { CredentialKey } from './cose-key';
import { derToRawP256 } from './ecdsa-der';

const PARAMS = {
  [-7]: { name: 'ECDSA', hash: 'SHA-256' },
  [-8]: { name: 'Ed25519' },
  [-257]: { name: 'RSASSA-PKCS1-v1_5' },
} as const;

/**
 * Verify the signature over authenticatorData ‖ SHA-256(clientDataJSON) with
 * WebCrypto on the credential's imported key. Every other check the library's
 * verifyAuthenticationResponse makes was made before this with its own code
 * (checkAssertion, the credential checks); its re-parsing cost twice the
 * crypto itself (docs/performance.md, figure 1), so only the signature is left.
 * ES256 signatures must be strict DER: one signature, one encoding.
 */
export async function verifyAssertionSignature(
  assertion: CheckedAssertion,
  credential: CredentialKey,
): Promise<void> {
  const clientDataHash = sha256Bytes(assertion.clientDataJSON);
  const signed = new Uint8Array(assertion.authenticatorData.length + clientDataHash.length);
  signed.set(assertion.authenticatorData);
  signed.set(clientDataHash, assertion.authenticatorData.length);
  const signature = credential.alg === -7 ? derToRawP256(assertion.signature) : assertion.signature;
  let valid = false;
  if (signature) {
    try {
      valid = await crypto.subtle.verify(PARAMS[credential.alg], credential.key, signature, signed);
    } catch {
      valid = false;
    }
  }
  if (!valid) throw new WebAuthnError('signature_invalid');
}
