import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { Statement } from '../../packages/psea/src/receipt/types';
import type { Hold } from './ceremonies/credential-add-approval';
import type { TicketHooks } from '../webhooks/ticket-hooks';
import type { ActionTicketData, Display } from './types';

/** What the Worker hands the vault to issue an enrollment ticket. */
export interface NewEnrollment {
  hash: string;
  user: { id: string; name: string; displayName: string };
  /** The issuer named in an approval statement, should the registration be held. */
  iss: string;
  /** The RP's recovery: the next registration enrolls without approval. */
  recovery: boolean;
  ttlSeconds: number;
  now: number;
}

/** What the Worker hands the vault to issue an action ticket. */
export interface NewAction {
  hash: string;
  data: ActionTicketData;
  challenge: string;
  ttlSeconds: number;
  now: number;
  /** v2 (agents): reference, statusToken hash, callbackUrl. */
  hooks?: TicketHooks;
  /** v3, a batch: each item's JCS form, in order, stored apart from the ticket's row. */
  items?: string[];
}

export interface EnrolledCredential {
  credentialId: string;
  aaguid: string;
  deviceBound: boolean;
  backedUp: boolean;
}

/** The 202 of a held registration (docs/adding-a-passkey.md ("Adding a passkey")): the new credential, and what an existing one must approve. */
export interface HeldEnrollment {
  pending: { credentialId: string; aaguid: string; deviceBound: boolean };
  approval: ApprovalJSON;
}

interface ApprovalJSON {
  /** The action the statement's `act` hashes, so the approver can check it. */
  action: Hold['action'];
  statement: Statement;
  display: Display;
  options: PublicKeyCredentialRequestOptionsJSON;
}

/** A registration's outcome: enrolled at once (201), or held for approval (202, with `pending`). */
export type RegistrationOutcome = EnrolledCredential | HeldEnrollment;
