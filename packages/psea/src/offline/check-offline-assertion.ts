/**
 * Every WebAuthn check of an offline proof, in the order verify makes them,
 * with the bundle standing in for the service's records: its `rp` for RP_ID
 * and ALLOWED_ORIGINS, its `creds` for the enrolled credentials. The checks
 * themselves are the Worker's own (webauthn/), which are runtime-agnostic;
 * only their WebAuthnError is turned into an OfflineProofError of the same code.
 *
 * Not checked, on purpose:
 * - the signature counter: docs/api.md makes the grant the replay guard, and a
 *   device that never syncs cannot know the last counter the service saw;
 * - `userHandle`: it is outside what the authenticator signs, so whoever
 *   holds the proof can set it to anything, and the bundle (signed by the
 *   service) already binds the credential to the user by listing it.
 */
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { WebAuthnError, type WebAuthnErrorCode } from '../webauthn/errors.ts';
import { decodeB64url } from '../internal/base64url.ts';
import { rpIdHash } from '../webauthn/bytes';
import { checkAssertion, type CheckedAssertion } from '../webauthn/check-assertion';
import { importCosePublicKey, type CredentialKey } from '../webauthn/cose-key';
import { verifyAssertionSignature } from '../webauthn/verify-assertion-signature';
import { OfflineProofError, type OfflineProofErrorCode } from './errors.ts';
import type { OfflineBundleClaims, OfflineCredential } from './types.ts';

/** The Worker's codes these checks can throw, and what each is here. */
const CODES: Partial<Record<WebAuthnErrorCode, OfflineProofErrorCode>> = {
  invalid_request: 'invalid_request',
  challenge_mismatch: 'challenge_mismatch',
  origin_mismatch: 'origin_mismatch',
  rp_id_mismatch: 'rp_id_mismatch',
  user_presence_required: 'user_presence_required',
  user_verification_required: 'user_verification_required',
  flags_invalid: 'flags_invalid',
  signature_invalid: 'signature_invalid',
};

async function translated<T>(run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof WebAuthnError)) throw err;
    const code = CODES[err.code] ?? 'invalid_request';
    throw new OfflineProofError(code, err.message, { cause: err });
  }
}

/** Imported keys by COSE bytes (base64url): a device checks the same few credentials all day. */
const keys = new Map<string, Promise<CredentialKey>>();
const MAX_KEYS = 64;

function credentialKey(cred: OfflineCredential): Promise<CredentialKey> {
  let key = keys.get(cred.publicKey);
  if (!key) {
    key = (async () => {
      try {
        return await importCosePublicKey(decodeB64url(cred.publicKey));
      } catch (cause) {
        // A COSE key the bundle lists but that cannot verify anything: the bundle is wrong, not the proof.
        throw new OfflineProofError(
          'bundle_invalid',
          "a credential's publicKey is not a usable COSE key",
          { cause },
        );
      }
    })();
    key.catch(() => keys.delete(cred.publicKey));
    if (keys.size >= MAX_KEYS) keys.clear();
    keys.set(cred.publicKey, key);
  }
  return key;
}

/**
 * Check the assertion against the bundle and the statement's challenge.
 * @returns the bundle's entry for the credential that signed.
 */
export async function checkOfflineAssertion(
  assertion: AuthenticationResponseJSON,
  bundle: OfflineBundleClaims,
  challenge: string,
): Promise<OfflineCredential> {
  // clientDataJSON (type, challenge, origin, cross-origin), then rpIdHash, UP, UV and BS-without-BE.
  const checked: CheckedAssertion = await translated(async () =>
    checkAssertion(assertion, {
      challenge,
      rpIdHash: await rpIdHash(bundle.rp.id),
      allowedOrigins: new Set(bundle.rp.origins),
    }),
  );
  // The credential: one the bundle lists, named the same in id and rawId.
  const cred =
    assertion.id === assertion.rawId
      ? bundle.creds.find((c) => c.id === assertion.rawId)
      : undefined;
  if (!cred)
    throw new OfflineProofError('credential_unknown', "the credential is not one of the bundle's");
  // BE is fixed for a credential's life: a change means another authenticator.
  if (checked.authData.flags.be === cred.deviceBound)
    throw new OfflineProofError('flags_invalid', 'BE differs from enrollment');
  const key = await credentialKey(cred);
  if (key.alg !== cred.alg)
    throw new OfflineProofError('bundle_invalid', "a credential's alg is not its key's");
  // The signature over authenticatorData ‖ SHA-256(clientDataJSON), strict DER for ES256.
  await translated(() => verifyAssertionSignature(checked, key));
  return cred;
}
