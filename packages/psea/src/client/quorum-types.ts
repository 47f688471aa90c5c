/**
 * Bodies of the quorum routes (docs/quorum.md), as `psea/client` sends and
 * receives them.
 *
 * @example
 * ```ts
 * import type { QuorumRequest, QuorumStatus } from 'psea/client';
 * ```
 */
import type { Action, Display } from './types.ts';

export interface QuorumRequest<A extends Action = Action> {
  /** Who asked (a user or an agent): never an approver. */
  initiator: string;
  /** 1–5 groups, all of which must be met; at most 20 users in all, each in one group only. */
  groups: { name?: string; users: { id: string; name?: string }[]; required: number }[];
  action: A;
  display?: Display;
  audience?: string;
  /** Seconds, 60–604800; default 86400. */
  ttl?: number;
  reference?: string;
  /** Where the service POSTs `quorum.*` webhooks. */
  callbackUrl?: string;
}

/** 201 of `POST /v1/quorums`: give each approver their own ticket (or `approveUrl`), and no one else. */
export interface Quorum {
  quorum: string;
  actionHash: string;
  dsp: string;
  expiresAt: string;
  /** Authorises this quorum's GET route only. */
  statusToken: string;
  approvers: { user: string; group: number; ticket: string; approveUrl: string }[];
}

export type QuorumState = 'pending' | 'approved' | 'expired' | 'cancelled' | 'burned';

/** `GET /v1/quorums/:id`. */
export interface QuorumStatus {
  state: QuorumState;
  reference?: string;
  groups: { name?: string; required: number; approved: { user: string; at: number }[] }[];
  /** The `psea-quorum+jwt`, once `approved`: check it with verifyReceipt's `quorum` option. */
  receipt?: string;
}
