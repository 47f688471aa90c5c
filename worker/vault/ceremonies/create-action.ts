/** An action ticket, issued for the host backend. */
import type { VaultState } from '../vault-state';
import type { NewAction } from '../ceremony-types';
import { issueAction } from './issue-tickets';
import { outcome } from '../outcome';
import { pendingAction } from '../memory/pending-actions';
import type { Outcome } from '../types';
import { setTicketHooks } from '../storage/ticket-hooks';
import { scheduleAlarm } from '../webhooks/webhook-queue';

export async function createAction(
  v: VaultState,
  input: NewAction,
): Promise<Outcome<{ expiresAt: number }>> {
  return outcome(async () => {
    const expiresAt = issueAction(v.ctx.storage, input);
    // Same synchronous turn as the insert, so one implicit transaction.
    if (input.hooks) setTicketHooks(v.sql, input.hash, input.hooks);
    // Its expiry is told by the alarm, whether anyone looks or not.
    if (input.hooks?.callbackUrl) scheduleAlarm(v.ctx.storage);
    v.pending.remember(
      input.hash,
      pendingAction(
        {
          challenge: input.challenge,
          expiresAt,
          createdAt: input.now,
          callback: !!input.hooks?.callbackUrl,
        },
        input.data,
      ),
    );
    return { expiresAt };
  });
}
