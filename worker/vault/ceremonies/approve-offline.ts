/** Offline approvals (docs/offline.md): grants issued, then a proof made on a grant. */
import type { VaultState } from '../vault-state';
import { getSigningKeys, getVars } from '../../config';
import { signReceipt } from '../../receipts/sign-receipt';
import { outcome } from '../outcome';
import { receiptCredential } from '../storage/credentials';
import type { Outcome } from '../types';
import {
  commitOfflineApproval,
  issueGrants,
  offlineEntry,
  offlineReceiptClaims,
  openGrant,
  type OfflineSubmission,
} from './offline-approval';
import type { NewGrants } from '../storage/offline-grants';
import type { OfflineCredential } from '../../../packages/psea/src/offline/types';
import { offlineChallenge } from '../../../packages/psea/src/offline/offline-statement';

/** Single-use offline grants (docs/offline.md ("Offline approvals")), with the active credentials their bundle lists. */
export async function createOfflineGrants(
  v: VaultState,
  input: NewGrants,
): Promise<Outcome<{ creds: OfflineCredential[] }>> {
  return outcome(async () => issueGrants(v.sql, input));
}

/**
 * An offline proof on one of this user's grants (offline-approval.ts).
 * Every verify check but the counter, which is neither checked nor advanced;
 * a failure leaves the grant unused and counts nothing.
 */
export async function approveOffline(
  v: VaultState,
  s: OfflineSubmission,
): Promise<Outcome<{ receipt: string }>> {
  return outcome(async () => {
    // 1. The grant and the statement against it, then every assertion check under the rule.
    openGrant(v.sql, s);
    const ruleOrigins = s.rule.origins ? { ruleOrigins: new Set(s.rule.origins) } : {};
    const challenge = await offlineChallenge(s.statement);
    const { credential: cred, authData } = await v.verifyAssertion(
      s.assertion,
      challenge,
      s.rule.require,
      ruleOrigins,
    );
    // 2. Sign the receipt before the commit, which cannot await (see the header).
    const claims = offlineReceiptClaims(
      s,
      receiptCredential(cred, authData.flags.bs),
      getVars(v.env).receiptTtlSeconds,
    );
    const receipt = await signReceipt(claims, (await getSigningKeys(v.env)).signer);
    // 3. Re-check, use the grant and log the approval in one transaction. No await below.
    const entry = offlineEntry(claims, cred.id, challenge, s.now);
    v.committing(cred.id, () =>
      commitOfflineApproval(v.ctx.storage, v.log, s, { credentialId: cred.id, receipt, entry }),
    );
    return { receipt };
  });
}
