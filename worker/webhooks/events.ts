/**
 * Webhook bodies, exactly as SPEC "Waiting for an approval" shapes them. The
 * ticket is never in one: it is the browser's authorisation, and a receiver
 * (or its logs) holding it could open the approval page. `at` is in seconds.
 */
export type ActionEventType = 'action.approved' | 'action.burned' | 'action.expired';
export type CredentialEventType = 'credential.enrolled' | 'credential.revoked' | 'credential.locked';

export interface ActionEvent {
  type: ActionEventType;
  actionHash: string;
  user: { id: string };
  reference?: string;
  receipt?: string;
  checkpoint?: string;
  at: number;
}

export interface CredentialEvent {
  type: CredentialEventType;
  user: { id: string };
  credential: { id: string; aaguid: string; deviceBound: boolean };
  approvedBy?: string;
  checkpoint?: string;
  at: number;
}

const seconds = (ms: number): number => Math.floor(ms / 1000);

export function actionEvent(e: { type: ActionEventType; actionHash: string; userId: string; reference?: string | null; receipt?: string | null; checkpoint?: string; now: number }): ActionEvent {
  const event = { type: e.type, actionHash: e.actionHash, user: { id: e.userId } } as ActionEvent;
  if (e.reference != null) event.reference = e.reference;
  if (e.type === 'action.approved' && e.receipt) event.receipt = e.receipt;
  if (e.checkpoint !== undefined) event.checkpoint = e.checkpoint;
  event.at = seconds(e.now);
  return event;
}

export function credentialEvent(e: {
  type: CredentialEventType;
  userId: string;
  credential: { id: string; aaguid: string; deviceBound: boolean };
  approvedBy?: string | null;
  checkpoint?: string;
  now: number;
}): CredentialEvent {
  const event = { type: e.type, user: { id: e.userId }, credential: e.credential } as CredentialEvent;
  if (e.type === 'credential.enrolled' && e.approvedBy) event.approvedBy = e.approvedBy;
  if (e.checkpoint !== undefined) event.checkpoint = e.checkpoint;
  event.at = seconds(e.now);
  return event;
}
