import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { ProblemError } from '../../errors';
import { checkRequirement } from '../../policy/check-credential';
import type { Requirement } from '../../policy/types';
import type { AuthenticatorData } from '../../../packages/psea/src/webauthn/authenticator-data';
import {
  checkAssertion,
  type AssertionExpectation,
} from '../../../packages/psea/src/webauthn/check-assertion';
import type { CredentialKey } from '../../../packages/psea/src/webauthn/cose-key';
import { verifyAssertionSignature } from '../../../packages/psea/src/webauthn/verify-assertion-signature';
import type { KnownCredential } from '../memory/active-credentials';
import { facts } from '../storage/credentials';

/** What the vault knows of its credentials, as an assertion needs it. */
export interface StoredCredentials {
  /** The credential with this id, enrolled for this user (a held one too: it is refused here). */
  lookup(id: string): KnownCredential | undefined;
  /** This user's WebAuthn user handle. */
  userHandle(): string;
  key(credential: KnownCredential): Promise<CredentialKey>;
}

export interface VerifiedAssertion {
  credential: KnownCredential;
  authData: AuthenticatorData;
}

/**
 * Every check of an assertion, in docs/api.md order, each with its own code: the
 * action's approval and a new passkey's approval both run exactly these. The
 * counter is not checked here: the commit's guarded UPDATE compares it, with
 * no await between that and the write.
 */
export async function verifyAssertion(
  response: AuthenticationResponseJSON,
  expected: AssertionExpectation & { require: Requirement },
  stored: StoredCredentials,
): Promise<VerifiedAssertion> {
  // Check client data (type, challenge, origin), rpIdHash, UP, UV and BS-without-BE: nothing needs the credential yet.
  const assertion = checkAssertion(response, expected);
  const { authData } = assertion;

  // Find the credential, named consistently; a held one is not enrolled yet, so it is unknown.
  const credential = response.id === response.rawId ? stored.lookup(response.id) : undefined;
  if (!credential || credential.state === 'pending') throw new ProblemError('credential_unknown');

  // Require the userHandle, when given, to be this user's.
  const userHandle = response.response.userHandle;
  if (userHandle !== undefined && userHandle !== stored.userHandle()) {
    throw new ProblemError('credential_unknown', "userHandle is not this user's");
  }

  // Refuse a credential that is revoked or locked.
  if (credential.state !== 'active') throw new ProblemError('credential_revoked');

  // Require BE as at enrollment: it is fixed for a credential's life, so a change means another authenticator.
  if (authData.flags.be !== !!credential.backup_eligible)
    throw new ProblemError('flags_invalid', 'BE differs from enrollment');

  // Require what the rule asks of the credential.
  checkRequirement(expected.require, facts(credential));

  // Verify the signature with the stored key.
  await verifyAssertionSignature(assertion, await stored.key(credential));
  return { credential, authData };
}
