import { verifyAuthenticationResponse, type AuthenticationResponseJSON } from '@simplewebauthn/server';
import { isoBase64URL, isoCBOR } from '@simplewebauthn/server/helpers';
import { PseaError } from '../errors';
import { isStrictDerEcdsaP256 } from './ecdsa-der';

export interface AssertionKey {
  credentialId: string;
  publicKey: Uint8Array<ArrayBuffer>;
}

/**
 * Verify the assertion's signature with the library. Every other check
 * (type, challenge, origin, rpIdHash, flags, credential, counter) was done
 * before with its own code, so any failure here is `signature_invalid`.
 * The counter is compared by the caller inside the storage transaction, so
 * the library gets 0 and never throws on it.
 */
export async function verifyAssertionSignature(
  response: AuthenticationResponseJSON,
  key: AssertionKey,
  expected: { challenge: string; rpId: string; allowedOrigins: ReadonlySet<string> },
): Promise<number> {
  try {
    // ES256 (COSE alg -7): refuse every encoding of the signature but strict DER.
    if (isoCBOR.decodeFirst<Map<number, unknown>>(key.publicKey).get(3) === -7) {
      if (!isStrictDerEcdsaP256(isoBase64URL.toBuffer(response.response.signature))) throw new PseaError('signature_invalid');
    }
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: expected.challenge,
      expectedOrigin: [...expected.allowedOrigins],
      expectedRPID: expected.rpId,
      requireUserVerification: true,
      credential: { id: key.credentialId, publicKey: key.publicKey, counter: 0 },
    });
    // Treat `verified: false` as a bad signature, never as a pass.
    if (!result.verified) throw new PseaError('signature_invalid');
    return result.authenticationInfo.newCounter;
  } catch {
    throw new PseaError('signature_invalid');
  }
}
