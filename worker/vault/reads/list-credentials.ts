/** The user's credentials, for the server route. */
import type { VaultState } from '../vault-state';
import { outcome } from '../outcome';
import { allCredentials, credentialJSON } from '../storage/credentials';
import type { CredentialJSON, Outcome } from '../types';

export async function listCredentials(
  v: VaultState,
  now: number,
): Promise<Outcome<CredentialJSON[]>> {
  return outcome(async () => allCredentials(v.sql, now).map(credentialJSON));
}
