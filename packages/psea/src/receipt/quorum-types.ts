/**
 * A quorum receipt (`typ: psea-quorum+jwt`, docs/quorum.md): one receipt for
 * an action that several people approved, each with their own passkey.
 */

/** One group of approvers as the quorum was requested: `name` members only where given. */
export interface QuorumGroup {
  name?: string;
  users: { id: string; name?: string }[];
  required: number;
}

/** What `qrm` hashes: the quorum's id, who asked, and its groups in the request's order. */
export interface QuorumDescription {
  id: string;
  initiator: string;
  groups: QuorumGroup[];
}

/** One recorded approval, in the order the quorum recorded it. */
export interface QuorumApproval {
  sub: string;
  /** The group index the service placed it in; verifiers judge by their own groups and ignore it. */
  grp: number;
  nonce: string;
  /** Seconds: the approver's `approved` log entry's `at`. */
  at: number;
  cred: {
    id: string;
    aaguid: string;
    device_bound: boolean;
    backed_up: boolean;
    enrolled_at: number;
  };
}

/** Claims of a `psea-quorum+jwt`. `sub` is the initiator. */
export interface QuorumReceiptClaims {
  iss: string;
  sub: string;
  aud: string;
  iat: number;
  exp: number;
  jti: string;
  act: string;
  act_type: string;
  dsp: string;
  qrm: string;
  quorum: QuorumDescription;
  apv: QuorumApproval[];
}

/** A backend's own policy: the groups it requires, never the receipt's description of itself. */
export interface QuorumOption {
  groups: { users: string[]; required: number }[];
}
