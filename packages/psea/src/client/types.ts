/**
 * The wire shapes of the server routes (docs/api.md), as the client
 * sends and receives them. Types only: nothing here is checked at run time
 * except where the client's own behaviour depends on it (a status `state`).
 * Each is what a method of `PseaClient` takes or resolves, e.g.
 *
 * @example
 * ```ts
 * import type { ApprovalRequest, ApprovalStatus, WebhookEvent } from 'psea/client';
 * const ask: ApprovalRequest = { user: { id: 'u-123' }, action: { type: 'repo.delete', repo: 'acme/site' } };
 * ```
 */
import type { ReceiptClaims, Statement } from '../receipt/types.ts';

/** An action: any JSON object with a string `type` (not beginning `psea.`). */
export type Action = { type: string } & Record<string, unknown>;

/** What the person is shown; without one, the service shows the action's own members. */
export interface Display {
  title: string;
  fields?: { label: string; value: string }[];
}

export interface EnrollmentRequest {
  user: { id: string; name: string; displayName?: string };
  /** The next registration enrolls without an existing passkey's approval (every device lost). Only after your own identity proofing. */
  recovery?: boolean;
}

/** 201 of `POST /v1/enrollments`. */
export interface Enrollment {
  ticket: string;
  /** ISO 8601, whole seconds. */
  expiresAt: string;
  enrollUrl: string;
}

export interface ApprovalRequest<A extends Action = Action> {
  user: { id: string };
  action: A;
  /** The backend that will act on the receipt; default `"default"`. */
  audience?: string;
  display?: Display;
  /** Seconds, 1–3600; default the service's `TICKET_TTL_SECONDS`. */
  ttl?: number;
  /** Your own id for the action (1–128 characters), echoed in status and webhooks. */
  reference?: string;
  /** Where the service POSTs `action.*` webhooks: an https URL on an origin in `CALLBACK_ORIGINS`. */
  callbackUrl?: string;
}

/**
 * `POST /v1/actions` with a batch (docs/batches.md): 1 to 10,000 items, one
 * approval. The service builds the action and display; execute each item
 * after `verifyReceipt(…, { item })` and `redeem(…, { item })`.
 */
export interface BatchApprovalRequest<A extends Action = Action> extends Omit<
  ApprovalRequest,
  'action' | 'display'
> {
  batch: { type: string; items: A[] };
}

/** 201 of `POST /v1/actions`. */
export interface Approval {
  ticket: string;
  /** base64url SHA-256 of JCS(action): compare it with the receipt's `act`. */
  actionHash: string;
  /** base64url SHA-256 of JCS(display) as the person is shown it. */
  dsp: string;
  expiresAt: string;
  /** The hosted approve page, for a person on another device. */
  approveUrl: string;
  /** Authorises this ticket's status route only: hand it to whoever waits, instead of the API key. */
  statusToken: string;
}

export type ApprovalState = 'pending' | 'approved' | 'expired' | 'burned';

/** `GET /v1/actions/:ticket/status`. */
export interface ApprovalStatus {
  state: ApprovalState;
  /** The receipt, once `approved`. */
  receipt?: string;
  reference?: string;
}

export interface Redemption {
  claims: ReceiptClaims;
}

export type CredentialState = 'active' | 'pending' | 'revoked' | 'locked';

/** One entry of `GET /v1/users/:id/credentials`. */
export interface Credential {
  id: string;
  aaguid: string;
  deviceBound: boolean;
  backedUp: boolean;
  createdAt: string;
  enrolledAt: string;
  lastUsedAt: string | null;
  state: CredentialState;
  fmt?: string;
  attested?: boolean;
  authenticatorName?: string | null;
  [fact: string]: unknown;
}

export interface CredentialList {
  credentials: Credential[];
}

export interface OfflineGrantsRequest {
  /** 1–100 grants. */
  count: number;
  /** Seconds, 60–2592000. */
  ttl: number;
  audience: string;
  /** Exact action types or `prefix.*`. */
  types: string[];
}

/** 201 of `POST /v1/users/:id/offline-grants`. */
export interface OfflineGrants {
  grants: { nonce: string; expiresAt: string }[];
  /** A `psea-offline+jwt` for the device, checked there by `psea/offline`. */
  bundle: string;
}

export interface EvidenceOptions {
  /** The size of a checkpoint you kept: the bundle then proves the log only grew since. */
  since?: number;
  /** Include the enrollment's `attestationObject` (it may carry device certificates). */
  attestation?: boolean;
}

interface LogProof {
  index: number;
  entry: Record<string, unknown>;
  proof: string[];
}

/** `GET /v1/actions/:ticket/evidence`: check it with `verifyEvidence` from `psea/evidence`. */
export interface EvidenceBundle {
  v: 1;
  receipt: string;
  action: Action;
  display: Display;
  statement: Statement;
  assertion: Record<string, unknown>;
  credential: {
    id: string;
    publicKey: string;
    aaguid: string;
    deviceBound: boolean;
    enrollment: {
      clientDataJSON: string;
      authenticatorData: string;
      attestationObject?: string;
    } | null;
  };
  log: {
    checkpoint: string;
    enrolled?: LogProof;
    approved: LogProof;
    consistency?: { from: number; proof: string[] };
  };
}

/** Sent to an action's `callbackUrl` when it stops being pending. */
export interface ActionWebhookEvent {
  type: 'action.approved' | 'action.burned' | 'action.expired';
  actionHash: string;
  user: { id: string };
  reference?: string;
  /** With `action.approved`: still verify it (`verifyReceipt`) before acting. */
  receipt?: string;
  /** The user's log checkpoint after the event. */
  checkpoint: string;
  /** Seconds. */
  at: number;
}

/** Sent to `CREDENTIAL_WEBHOOK_URL`: tell the person at once that a passkey was added. */
export interface CredentialWebhookEvent {
  type: 'credential.enrolled' | 'credential.revoked' | 'credential.locked';
  user: { id: string };
  credential: { id: string; aaguid: string; deviceBound: boolean };
  /** With `credential.enrolled`: the approving credential's id, `first`, `recovery` or `open`. */
  approvedBy?: string;
  checkpoint: string;
  at: number;
}

/**
 * What `verifyWebhook` returns. A type added by a later service version may also arrive: ignore it with a 2xx.
 *
 * @example
 * ```ts
 * switch (event.type) {
 *   case 'action.approved': return resume(event.reference!, event.receipt!);
 *   case 'credential.enrolled': return notify(event.user.id, event.credential);
 * }
 * ```
 */
export type WebhookEvent = ActionWebhookEvent | CredentialWebhookEvent;
