import type { ProblemCode } from '../errors';
import type { AppliedRule } from '../policy/types';
import type { Statement } from '../../packages/psea/src/receipt/types';

/** RPC results carry a problem as data: thrown errors lose their code across the boundary. */
export type Outcome<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      problem: { code: ProblemCode; detail?: string; extensions?: Record<string, unknown> };
    };

type CredentialState = 'active' | 'revoked' | 'locked' | 'pending';

export type CredentialRow = {
  id: string;
  public_key: ArrayBuffer;
  alg: number;
  counter: number;
  aaguid: string;
  backup_eligible: number;
  backed_up: number;
  transports: string;
  fmt: string;
  attested: number;
  authenticator_name: string | null;
  state: CredentialState;
  created_at: number;
  last_used_at: number | null;
  /** Who let it in: 'first', 'recovery', 'open' or the approving credential's id; null before v2. */
  approved_by: string | null;
  /** The enrollment ticket (hash) holding a pending credential. */
  pending_ticket: string | null;
};

export type TicketRow = {
  hash: string;
  kind: 'enroll' | 'action';
  state: 'pending' | 'consumed' | 'burned';
  challenge: string;
  expires_at: number;
  failures: number;
  data: string;
  receipt: string | null;
  created_at: number;
  /** base64url SHA-256 of the accepted response body, for a byte-identical retry. */
  accepted: string | null;
  /** JSON of the first success answer (an enrollment's body), for that retry. */
  result: string | null;
  /** v2 (agents): the host's own id for the action, echoed in status and webhooks. */
  reference?: string | null;
  /** v2 (agents): base64url SHA-256 of the ticket's statusToken. */
  status_token?: string | null;
  /** v2 (agents): where this action's webhooks go. */
  callback_url?: string | null;
  /** v2 (agents): 1 once the action.expired event is queued. */
  expiry_sent?: number;
  /** v3: an approver's ticket of a quorum: when its options were first served (ms). */
  served_at?: number | null;
};

export interface EnrollTicketData {
  user: { id: string; name: string; displayName: string };
  /** The statement issuer for an approval (v2; absent on tickets made before). */
  iss?: string;
  /** The RP's recovery: the next registration enrolls without approval. */
  recovery?: boolean;
  /** Set by a registration that is held: what its approval must sign. */
  held?: Hold;
}

export interface ActionTicketData {
  userId: string;
  action: Record<string, unknown> & { type: string };
  display: Display;
  actionHash: string;
  statement: Statement;
  rule: AppliedRule;
  /** v3, a batch: how many items are stored apart (vault/storage/batch-items.ts); `action` is the built action. */
  items?: number;
  /** v3: set on an approver's ticket of a quorum (docs/quorum.md). */
  quorum?: { id: string; grp: number; jti: string; qrm: string };
}

export interface Display {
  title: string;
  fields: { label: string; value: string }[];
}

/** Listing form of a credential (docs/api.md `GET /v1/users/:id/credentials`). */
export interface CredentialJSON {
  id: string;
  aaguid: string;
  deviceBound: boolean;
  backedUp: boolean;
  createdAt: string;
  /** v2: the enrollment time in whole seconds (ISO 8601), the receipt's `cred.enrolled_at`. */
  enrolledAt: string;
  lastUsedAt: string | null;
  state: CredentialState;
  /** v2: who let it in ('first', 'recovery', 'open', or the approving credential's id); null while held, and before v2. */
  approvedBy: string | null;
  fmt: string;
  attested: boolean;
  authenticatorName: string | null;
}

export const MAX_FAILED_ATTEMPTS = 5;

export interface CredentialAddAction {
  [member: string]: string;
  type: 'psea.credential.add';
  user: string;
  cred: string;
  /** base64url(SHA-256(COSE public key)). */
  key: string;
  aaguid: string;
}

/** What an enrollment ticket keeps while it holds a credential: the new credential's facts and the approval it waits for. */
export interface Hold {
  credentialId: string;
  aaguid: string;
  deviceBound: boolean;
  backedUp: boolean;
  action: CredentialAddAction;
  display: Display;
  statement: Statement;
  /** base64url(SHA-256(JCS(statement))): what the approving assertion must have signed. */
  challenge: string;
  /** The policy rule an approver must meet, frozen like an action ticket's. */
  rule: AppliedRule;
}
