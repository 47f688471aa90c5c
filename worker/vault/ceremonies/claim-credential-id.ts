import type { Env } from '../../env';
import { ProblemError } from '../../errors';
import { callObject } from '../object-call';

/**
 * One credential id, one user, across every vault (WebAuthn §7.1): claim the
 * id in its CredentialOwner object. A runtime failure of the claim is 503
 * unavailable (not a failed attempt), so the ticket stays usable.
 */
export async function claimCredentialId(
  env: Env,
  credentialId: string,
  userId: string,
): Promise<void> {
  const owners = env.CREDENTIAL_OWNERS;
  const owner = () => owners.get(owners.idFromName(credentialId));
  if (!(await callObject('claim', false, owner(), owner, (o) => o.claim(userId)))) {
    throw new ProblemError(
      'attestation_rejected',
      'credential id already enrolled for another user',
    );
  }
}
