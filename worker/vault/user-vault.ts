/**
 * One Durable Object per user (`idFromName(userId)`): credentials, counters,
 * tickets, receipt redemptions and the user's log. A thin shell: its state is
 * a `VaultState` in a `#private` field, out of RPC's reach, and each RPC
 * method delegates to the module of its ceremony (ceremonies/) or read
 * (reads/). How a ceremony stays exactly-once is told in
 * ceremonies/verify-action.ts.
 */
import { DurableObject } from 'cloudflare:workers';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { NewAction, NewEnrollment } from './ceremony-types';
import type { OfflineSubmission } from './ceremonies/offline-approval';
import type { StatusQuery } from './reads/action-status';
import type { BundleRequest } from './reads/evidence-bundle';
import type { NewGrants } from './storage/offline-grants';
import type { TicketRow } from './types';
import type { Env } from '../env';
import { bindVaultState } from './state-seam';
import { VaultState } from './vault-state';
import { createEnrollment, enrollmentOptions, enroll } from './ceremonies/enroll';
import { createAction } from './ceremonies/create-action';
import { actionDetails } from './ceremonies/action-details';
import { verifyAction } from './ceremonies/verify-action';
import { approveEnrollment } from './ceremonies/approve-enrollment';
import { createOfflineGrants, approveOffline } from './ceremonies/approve-offline';
import { revokeCredential } from './ceremonies/revoke';
import { redeem, redeemItems } from './ceremonies/redeem';
import { actionStatus, ticketUsable } from './reads/status';
import { listCredentials } from './reads/list-credentials';
import { readLog, logConsistency } from './reads/log';
import { evidence } from './reads/evidence';
import { closedAnswer, verifyApprover, type ApproverVerify } from './ceremonies/quorum-approval';
import { approverEvidence } from './reads/approver-evidence';

export type * from './ceremony-types';

export class UserVault extends DurableObject<Env> {
  readonly #v: VaultState;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#v = new VaultState(ctx, env);
    bindVaultState(this, this.#v);
  }

  createEnrollment(input: NewEnrollment) {
    return createEnrollment(this.#v, input);
  }

  createAction(input: NewAction) {
    return createAction(this.#v, input);
  }

  actionStatus(hash: string, now: number, query: StatusQuery = {}) {
    return actionStatus(this.#v, hash, now, query);
  }

  ticketUsable(hash: string, kind: TicketRow['kind'], now: number, step?: 'register' | 'approve') {
    return ticketUsable(this.#v, hash, kind, now, step);
  }

  redeem(jti: string, exp: number, now: number) {
    return redeem(this.#v, jti, exp, now);
  }

  redeemItems(jti: string, exp: number, indexes: number[], now: number) {
    return redeemItems(this.#v, jti, exp, indexes, now);
  }

  listCredentials(now: number) {
    return listCredentials(this.#v, now);
  }

  revokeCredential(id: string, now: number) {
    return revokeCredential(this.#v, id, now);
  }

  createOfflineGrants(input: NewGrants) {
    return createOfflineGrants(this.#v, input);
  }

  readLog(userId: string, start: number, end: number | undefined) {
    return readLog(this.#v, userId, start, end);
  }

  logConsistency(userId: string, from: number) {
    return logConsistency(this.#v, userId, from);
  }

  evidence(hash: string, req: BundleRequest, now: number) {
    return evidence(this.#v, hash, req, now);
  }

  enrollmentOptions(hash: string, now: number) {
    return enrollmentOptions(this.#v, hash, now);
  }

  enroll(hash: string, response: RegistrationResponseJSON, now: number, accepted?: string) {
    return enroll(this.#v, hash, response, now, accepted);
  }

  approveEnrollment(
    hash: string,
    response: AuthenticationResponseJSON,
    now: number,
    accepted: string,
    posted?: string,
  ) {
    return approveEnrollment(this.#v, hash, response, now, accepted, posted);
  }

  actionDetails(hash: string, now: number) {
    return actionDetails(this.#v, hash, now);
  }

  verifyAction(
    hash: string,
    response: AuthenticationResponseJSON,
    now: number,
    accepted: string,
    posted?: string,
  ) {
    return verifyAction(this.#v, hash, response, now, accepted, posted);
  }

  /** v3: an approver's verify on a quorum ticket (docs/quorum.md). */
  verifyApprover(v: ApproverVerify) {
    return verifyApprover(this.#v, v);
  }

  /** v3: a verify on an approver's ticket whose quorum is closed: a retry's first answer, else quorum_closed. */
  approverClosed(hash: string, accepted: string, state: string) {
    return closedAnswer(this.#v, hash, accepted, state);
  }

  /** v3: this user's approval of a quorum, for the quorum's evidence (reads/approver-evidence.ts). */
  approverEvidence(quorumId: string, req: BundleRequest, now: number) {
    return approverEvidence(this.#v, quorumId, req, now);
  }

  approveOffline(s: OfflineSubmission) {
    return approveOffline(this.#v, s);
  }

  /** The one alarm: webhooks due, expiries to tell. */
  override async alarm(): Promise<void> {
    await this.#v.alarm();
  }
}
