/**
 * Webhook bodies, exactly as docs/agents.md ("Waiting for an approval") shapes them. The
 * `checkpoint` (the user's signed log checkpoint after the event) is added
 * at the first try, by {@link withCheckpoint}: signing is an await, and the
 * row is written inside the commit, which cannot await. The
 * ticket is never in one: it is the browser's authorisation, and a receiver
 * (or its logs) holding it could open the approval page. `at` is in seconds.
 */
export type ActionEventType = 'action.approved' | 'action.burned' | 'action.expired';
export type CredentialEventType =
  'credential.enrolled' | 'credential.revoked' | 'credential.locked';

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

export function actionEvent(e: {
  type: ActionEventType;
  actionHash: string;
  userId: string;
  reference?: string | null;
  receipt?: string | null;
  now: number;
}): ActionEvent {
  const event = { type: e.type, actionHash: e.actionHash, user: { id: e.userId } } as ActionEvent;
  if (e.reference != null) event.reference = e.reference;
  if (e.type === 'action.approved' && e.receipt) event.receipt = e.receipt;
  event.at = seconds(e.now);
  return event;
}

export function credentialEvent(e: {
  type: CredentialEventType;
  userId: string;
  credential: { id: string; aaguid: string; deviceBound: boolean };
  approvedBy?: string | null;
  now: number;
}): CredentialEvent {
  const event = {
    type: e.type,
    user: { id: e.userId },
    credential: e.credential,
  } as CredentialEvent;
  if (e.type === 'credential.enrolled' && e.approvedBy) event.approvedBy = e.approvedBy;
  event.at = seconds(e.now);
  return event;
}

/** The body with its `checkpoint` member, placed before `at` as docs/api.md lists them. */
export function withCheckpoint(body: string, checkpoint: string): string {
  const { at, ...rest } = JSON.parse(body) as { at: number } & Record<string, unknown>;
  return JSON.stringify({ ...rest, checkpoint, at });
}
