/** Revoking a credential, logged and told. */
import type { VaultState } from '../vault-state';
import { ProblemError } from '../../errors';
import { dropLapsedHolds } from '../storage/held-credentials';
import { outcome } from '../outcome';
import { credentialState, getCredential } from '../storage/credentials';
import { revokeLogged } from '../commits/log-writes';
import type { Outcome } from '../types';
import { credentialWebhookUrl } from '../../webhooks/config';

export async function revokeCredential(
  v: VaultState,
  id: string,
  now: number,
): Promise<Outcome<null>> {
  return outcome(async () => {
    const hook = credentialWebhookUrl(v.env);
    dropLapsedHolds(v.sql, now);
    const was = credentialState(v.sql, id);
    revokeLogged(v.ctx.storage, v.log, id, now);
    // Same synchronous turn as the revocation and its entry: one implicit transaction.
    if (was === 'active') v.credentialChanged(hook, 'credential.revoked', id, now);
    v.credentials.forget(id);
    if (!getCredential(v.sql, id))
      throw new ProblemError('not_found', 'no such credential for this user');
    return null;
  });
}
