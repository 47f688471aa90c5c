import type {
  QuorumApproval,
  QuorumDescription,
} from '../../packages/psea/src/receipt/quorum-types';
import type { Display } from '../vault/types';

export type QuorumState = 'pending' | 'approved' | 'expired' | 'cancelled' | 'burned';

/** Everything fixed when a quorum is created (POST /v1/quorums); never changes after. */
export interface QuorumRecord extends QuorumDescription {
  action: Record<string, unknown> & { type: string };
  display: Display;
  actionHash: string;
  dsp: string;
  qrm: string;
  iss: string;
  aud: string;
  /** The quorum receipt's `jti`, fixed at creation and written in every approver's `approved` entry. */
  jti: string;
  reference?: string;
  callbackUrl?: string;
  /** base64url SHA-256 of the statusToken: a storage leak yields no token. */
  statusTokenHash: string;
  expiresAt: number;
  createdAt: number;
  receiptTtlSeconds: number;
}

/** What an approver's vault hands the quorum once its approval is committed (and again, until it arrives). */
export interface Handoff {
  user: string;
  grp: number;
  /** The approval as the receipt's `apv` will list it. */
  apv: QuorumApproval;
  /** When the vault committed it (ms). */
  committedAt: number;
}

/** The quorum part of an approver's 200 (docs/api.md). */
export interface QuorumSummary {
  id: string;
  state: QuorumState;
  groups: { required: number; approved: string[] }[];
}

/** The quorum's answer to a hand-off: counted (with the receipt when this approval met it), or closed. */
export type HandoffAnswer =
  | { counted: true; quorum: QuorumSummary; receipt?: string }
  | { counted: false; quorum: QuorumSummary };

/** `GET /v1/quorums/:id`. */
export interface QuorumStatus {
  state: QuorumState;
  reference?: string;
  groups: { name?: string; required: number; approved: { user: string; at: number }[] }[];
  receipt?: string;
}

/** The `quorum` member of `GET /v1/actions/:ticket` on an approver's ticket. */
export interface QuorumView {
  id: string;
  initiator: string;
  state: QuorumState;
  groups: {
    name?: string;
    required: number;
    users: { id: string; name?: string }[];
    approved: string[];
  }[];
}
