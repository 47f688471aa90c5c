/**
 * Verify an approval of an action ticket. Synchronous checks, then awaited
 * crypto, then a synchronous re-check and commit: nothing awaits between the
 * re-check and the writes, so of any number of concurrent submissions for
 * one ticket exactly one commits; the others see it consumed.
 *
 * Why the receipt is signed before the commit: signing is an await, and
 * nothing may await between the re-check and the writes. So the receipt is
 * signed first and the commit stores it; a signed receipt whose commit fails
 * (the ticket lost a race, the credential was revoked meanwhile) is simply
 * dropped, never returned.
 */
import type { VaultState } from '../vault-state';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { getSigningKeys, getVars } from '../../config';
import { buildReceiptClaims } from '../../receipts/build-receipt-claims';
import { signReceipt } from '../../receipts/sign-receipt';
import { commitApproval } from '../commits/commit-approval';
import { pendingTicket } from '../memory/pending-actions';
import { receiptCredential } from '../storage/credentials';
import { entryTime } from '../storage/vault-log';
import type { Outcome } from '../types';
import { credentialWebhookUrl } from '../../webhooks/config';
import { queueActionEvent, scheduleAlarm } from '../webhooks/webhook-queue';

/**
 * `accepted`: base64url SHA-256 of the request body as posted. It is kept
 * with the receipt, so the same body posted again (a retry of an answer
 * lost to a 503) gets 409 `ticket_used` carrying that receipt. `posted`:
 * that body's text, kept as the evidence's assertion exactly as accepted.
 */
export async function verifyAction(
  v: VaultState,
  hash: string,
  response: AuthenticationResponseJSON,
  now: number,
  accepted: string,
  posted?: string,
): Promise<Outcome<{ receipt: string }>> {
  return v.ceremony(
    hash,
    () => pendingTicket(v.pending, v.sql, hash, now, accepted),
    async (ticket) => {
      const hook = credentialWebhookUrl(v.env);
      // 1. Every assertion check, the rule's origins and requirement included.
      const ruleOrigins = ticket.rule.origins ? { ruleOrigins: new Set(ticket.rule.origins) } : {};
      const { credential: cred, authData } = await v.verifyAssertion(
        response,
        ticket.challenge,
        ticket.rule.require,
        ruleOrigins,
      );

      // 2. Sign the receipt: an await, so before the commit (see the header).
      const { statement, actionHash, actionType, batch } = ticket;
      const credential = receiptCredential(cred, authData.flags.bs);
      const claims = buildReceiptClaims({
        statement,
        actionHash,
        actionType,
        batch,
        ruleId: ticket.rule.id,
        credential,
        now,
        ttlSeconds: getVars(v.env).receiptTtlSeconds,
      });
      const receipt = await signReceipt(claims, (await getSigningKeys(v.env)).signer);

      // 3. Commit: guarded writes re-check what may have changed during the awaits. No await below.
      // Whatever the commit finds, the ticket is no longer known pending.
      v.pending.forget(hash);
      const entry = {
        v: 1,
        kind: 'approved',
        at: entryTime(now),
        sub: statement.sub,
        cred: cred.id,
        challenge: ticket.challenge,
        act: claims.act,
        aud: claims.aud,
        jti: claims.jti,
      } as const;
      const evidenceKeptSince = now - getVars(v.env).evidenceTtlDays * 86_400_000;
      const evidence = { assertion: posted ?? JSON.stringify(response) };
      const commit = {
        hash,
        now,
        receipt,
        credentialId: cred.id,
        counter: authData.counter,
        backedUp: authData.flags.bs,
        ticketCreatedAt: ticket.createdAt,
        accepted,
        entry,
        evidence,
        evidenceKeptSince,
      };
      v.committing(cred.id, () => commitApproval(v.ctx.storage, v.log, commit), hook);
      // Same synchronous turn as the commit: its webhook row, with the log size after the approval.
      // A ticket without a callbackUrl has none: no row read, no log size (docs/performance.md).
      if (ticket.callback && queueActionEvent(v.sql, hash, 'action.approved', now, v.log.size()))
        scheduleAlarm(v.ctx.storage);
      v.settled(hash, now);
      return { receipt };
    },
  );
}
