/** What the person is about to approve, and the request options, for the widget. */
import type { VaultState } from '../vault-state';
import { getVars } from '../../config';
import type { Statement } from '../../../packages/psea/src/receipt/types';
import { outcome } from '../outcome';
import { pendingAction } from '../memory/pending-actions';
import { requestOptions } from '../reads/request-options';
import { ticketTimes, usableTicket } from '../storage/tickets';
import { batchItems } from '../storage/batch-items';
import { markServed } from '../storage/quorum-handoffs';
import type { ActionTicketData, Display } from '../types';

export async function actionDetails(v: VaultState, hash: string, now: number) {
  return outcome(async () => {
    const row = usableTicket(v.sql, hash, 'action', now);
    const data = JSON.parse(row.data) as ActionTicketData;
    // The person is about to approve: keep what the approval needs at hand.
    v.pending.remember(hash, pendingAction(ticketTimes(row), data));
    // v3: a quorum ticket's counter rule starts when its options are first served (quorum-approval.ts).
    if (data.quorum) markServed(v.sql, hash, now);
    const options = await requestOptions(v.sql, getVars(v.env).rpId, row.challenge, now);
    // A batch's items, every one, in order (storage/batch-items.ts).
    const items = data.items === undefined ? {} : { items: batchItems(v.sql, hash) };
    return {
      action: data.action,
      display: data.display as Display,
      actionHash: data.actionHash,
      statement: data.statement as Statement,
      options,
      ...items,
    };
  });
}
