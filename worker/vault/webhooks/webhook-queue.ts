/**
 * Queue webhooks from inside the vault's commits (docs/api.md "Waiting for an
 * approval"). Every function here is synchronous and is called in the same
 * synchronous turn as the change it tells of, which the Durable Object
 * commits as one transaction: the delivery row exists exactly when the change
 * does. Sending is the alarm's job (webhook-alarm.ts), so a receiver that is
 * slow, down or hostile never delays, blocks or undoes an approval.
 */
import { randomId } from '../../lib/random-id';
import {
  actionEvent,
  credentialEvent,
  type ActionEventType,
  type CredentialEventType,
} from '../../webhooks/events';
import { insertDelivery, nextDeliveryAt } from '../storage/deliveries';
import { getMeta } from '../storage/meta';
import { nextUntoldExpiry } from '../storage/ticket-hooks';
import { nextHandoffAt } from '../storage/quorum-handoffs';
import type { ActionTicketData, TicketRow } from '../types';

/** A Standard Webhooks message id: the same on every try of one event. */
const messageId = (): string => `msg_${randomId(16)}`;

/**
 * Queue an action event to the ticket's callbackUrl; false when it has none.
 * `logSize`: the user's log size after the event, whose signed checkpoint
 * (an await, so not here) the first try puts into the body.
 */
export function queueActionEvent(
  sql: SqlStorage,
  hash: string,
  type: ActionEventType,
  now: number,
  logSize: number,
): boolean {
  const row = sql
    .exec<Pick<TicketRow, 'callback_url' | 'reference' | 'receipt' | 'data'>>(
      "SELECT callback_url, reference, receipt, data FROM tickets WHERE hash = ? AND kind = 'action' AND callback_url IS NOT NULL",
      hash,
    )
    .toArray()[0];
  if (!row?.callback_url) return false;
  const data = JSON.parse(row.data) as ActionTicketData;
  const event = actionEvent({
    type,
    actionHash: data.actionHash,
    userId: data.userId,
    reference: row.reference,
    receipt: row.receipt,
    now,
  });
  insertDelivery(sql, {
    id: messageId(),
    url: row.callback_url,
    body: JSON.stringify(event),
    now,
    logSize,
  });
  return true;
}

/** Queue a credential event to CREDENTIAL_WEBHOOK_URL (`url`); nothing when the credential is gone. */
export function queueCredentialEvent(
  sql: SqlStorage,
  url: string,
  e: {
    type: CredentialEventType;
    credentialId: string;
    approvedBy?: string;
    now: number;
    logSize: number;
  },
): void {
  const cred = sql
    .exec<{ aaguid: string; backup_eligible: number }>(
      'SELECT aaguid, backup_eligible FROM credentials WHERE id = ?',
      e.credentialId,
    )
    .toArray()[0];
  if (!cred) return;
  const event = credentialEvent({
    type: e.type,
    userId: getMeta(sql, 'user_id') ?? '',
    credential: { id: e.credentialId, aaguid: cred.aaguid, deviceBound: !cred.backup_eligible },
    approvedBy: e.approvedBy,
    now: e.now,
  });
  insertDelivery(sql, {
    id: messageId(),
    url,
    body: JSON.stringify(event),
    now: e.now,
    logSize: e.logSize,
  });
}

/** The object's one alarm: at the next delivery due, expiry to tell or quorum hand-off to retry, whichever is first. */
function nextAlarmAt(sql: SqlStorage): number | undefined {
  const times = [nextDeliveryAt(sql), nextUntoldExpiry(sql), nextHandoffAt(sql)].filter(
    (t): t is number => t !== undefined,
  );
  return times.length ? Math.min(...times) : undefined;
}

/** Set (or clear) the alarm to what the tables say is due next. Durable with this turn's writes. */
export function scheduleAlarm(storage: DurableObjectStorage): void {
  const at = nextAlarmAt(storage.sql);
  const set = at === undefined ? storage.deleteAlarm() : storage.setAlarm(at);
  set.catch((err: unknown) =>
    console.error(
      `[psea] webhooks: could not set the alarm: ${err instanceof Error ? err.message : 'unknown'}`,
    ),
  );
}
