/**
 * The typed client of the server routes: one method a route, resolving its body as docs/api.md
 * gives it, rejecting with `PseaError`; retries are request.ts's and calls.ts's. Nothing here
 * reads a global but `fetch` (when none is given), `crypto.randomUUID` and the clock.
 */
import { checkBaseUrl, segment } from './base-url.ts';
import { PseaError } from './errors.ts';
import {
  bearer,
  createRequest,
  evidenceQuery,
  QUORUM_STATES,
  STATES,
  statusRequest,
} from './calls.ts';
import { credentialsApi, type CredentialsApi } from './credentials-api.ts';
import { request, type Call } from './request.ts';
import { waitForApproval } from './wait-for-approval.ts';
import type { Quorum, QuorumRequest, QuorumStatus } from './quorum-types.ts';
import type {
  CallOptions,
  CreateOptions,
  PseaClientOptions,
  RedeemOptions,
  StatusOptions,
  WaitOptions,
} from './options.ts';
import type {
  Action,
  Approval,
  ApprovalRequest,
  BatchApprovalRequest,
  ApprovalStatus,
  Enrollment,
  EnrollmentRequest,
  EvidenceBundle,
  EvidenceOptions,
  OfflineGrants,
  OfflineGrantsRequest,
  Redemption,
} from './types.ts';

/**
 * A client for PSEA's server routes, for Node 20, Deno, Bun and Workers.
 * @example
 * ```ts
 * import { PseaClient } from 'psea/client';
 * const psea = new PseaClient({ baseUrl: 'https://approve.example.com', apiKey: process.env.PSEA_API_KEY });
 * const { ticket, approveUrl, statusToken } = await psea.requestApproval({
 *   user: { id: 'u-123' }, action: { type: 'repo.delete', repo: 'acme/site' }, audience: 'github-agent',
 * });
 * tellTheHuman(approveUrl);
 * const { state, receipt } = await psea.waitForApproval(ticket, { timeoutMs: 5 * 60_000, statusToken });
 * if (state === 'approved') await verifyReceipt(receipt!, { ... }); // psea/receipt, before acting
 * ```
 */
export class PseaClient {
  readonly #transport: { baseUrl: string; fetch: typeof fetch; retries: number };
  readonly #apiKey: string | undefined;
  /** Credentials of a user: `list` and `revoke` (credentials-api.ts). */
  readonly credentials: CredentialsApi;
  constructor(options: PseaClientOptions) {
    const retries = options.retries ?? 2;
    if (!Number.isInteger(retries) || retries < 0 || retries > 10)
      throw new PseaError('invalid_options', 'retries must be an integer from 0 to 10');
    if (options.apiKey !== undefined) bearer(options.apiKey, 'apiKey');
    const fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#transport = { baseUrl: checkBaseUrl(options.baseUrl), fetch: fetchFn, retries };
    this.#apiKey = options.apiKey;
    this.credentials = credentialsApi((method, path, o) =>
      this.#server(method, path, undefined, o),
    );
  }

  /**
   * `POST /v1/enrollments`: a single-use enrollment ticket. Retried on 503 with one `Idempotency-Key`.
   *
   * @example
   * ```ts
   * const { ticket, enrollUrl } = await psea.createEnrollment({ user: { id: 'u-123', name: 'ada@example.com', displayName: 'Ada' } });
   * ```
   */
  async createEnrollment(body: EnrollmentRequest, options?: CreateOptions): Promise<Enrollment> {
    return this.#create('/v1/enrollments', body, options);
  }

  /**
   * `POST /v1/actions`: a ticket for one exact action. Sent with an `Idempotency-Key` (random, or
   * `options.idempotencyKey`) and retried on 503 or a lost connection with that key: the service
   * answers a repeat with the first ticket, never a second one. Keep `actionHash` (or the action)
   * to check the receipt.
   *
   * @example
   * ```ts
   * const { ticket, approveUrl, statusToken, actionHash } = await psea.requestApproval({
   *   user: { id: 'u-123' }, action: { type: 'wire.transfer', amount: '1250.00', to: 'DE89…' },
   *   audience: 'payments-api', display: { title: 'Send €1,250.00' }, ttl: 300, reference: 'order-42',
   * });
   * ```
   */
  async requestApproval<A extends Action>(
    body: ApprovalRequest<A>,
    options?: CreateOptions,
  ): Promise<Approval> {
    return this.#create('/v1/actions', body, options);
  }

  /**
   * `POST /v1/actions` with a batch: one approval for 1 to 10,000 items (docs/batches.md), sent
   * as requestApproval is (with an Idempotency-Key). Keep the items: a receipt is checked against
   * them, never the summary.
   *
   * @example
   * ```ts
   * const { ticket, approveUrl } = await psea.requestBatchApproval({
   *   user: { id: 'u-123' }, audience: 'payments-api',
   *   batch: { type: 'payroll.run', items: [{ type: 'wire.transfer', amount: '1250.00', currency: 'EUR', to: 'DE89…' }] },
   * });
   * ```
   */
  async requestBatchApproval<A extends Action>(
    body: BatchApprovalRequest<A>,
    options?: CreateOptions,
  ): Promise<Approval> {
    return this.#create('/v1/actions', body, options);
  }

  /**
   * `GET /v1/actions/:ticket/status[?wait=S]`, with the API key or the ticket's `statusToken`. Retried on 503.
   *
   * @example
   * ```ts
   * const { state, receipt, reference } = await psea.status(ticket, { wait: 30, statusToken });
   * ```
   */
  async status(ticket: string, options: StatusOptions = {}): Promise<ApprovalStatus> {
    const path = `/v1/actions/${segment(ticket, 'ticket')}/status`;
    return statusRequest(this.#transport, path, () => this.#key(), options, STATES);
  }

  /**
   * Long-poll `status` until the state is no longer `pending`; resolves that status (`approved` with
   * its `receipt`, `expired` or `burned`). Rejects with `timeout` after `timeoutMs`, `aborted` when
   * `signal` fires, or the service's error (e.g. `ticket_not_found`). A 503 or a lost connection
   * does not end the wait.
   *
   * @example
   * ```ts
   * const done = await psea.waitForApproval(ticket, { timeoutMs: 120_000, statusToken, signal: req.signal });
   * if (done.state !== 'approved') return `not approved (${done.state})`;
   * ```
   */
  async waitForApproval(ticket: string, options: WaitOptions): Promise<ApprovalStatus> {
    segment(ticket, 'ticket');
    return this.#wait(options, (o) => this.status(ticket, o));
  }

  /**
   * `GET /v1/actions/:ticket/evidence`: the evidence bundle of an approved ticket (409 `not_approved` before).
   * Check it with `verifyEvidence` from `psea/evidence` and a log key you pinned. Retried on 503.
   *
   * @example
   * ```ts
   * const bundle = await psea.evidence(ticket, { since: lastCheckpointSize });
   * ```
   */
  async evidence(
    ticket: string,
    options: EvidenceOptions & CallOptions = {},
  ): Promise<EvidenceBundle> {
    const path = `/v1/actions/${segment(ticket, 'ticket')}/evidence${evidenceQuery(options)}`;
    return this.#server('GET', path, undefined, options);
  }

  /**
   * `POST /v1/receipts/redeem`: spend the receipt's `jti`, once across all your backends. Rejects
   * `receipt_redeemed` after the first; `receipt_invalid` when it does not verify. Not retried: a
   * repeat after a 503 cannot tell your own first try from someone else's. Verify the user and the
   * action with `verifyReceipt` first.
   *
   * @example
   * ```ts
   * const { claims } = await psea.redeem(receipt, 'payments-api');
   * await psea.redeem(batchReceipt, 'payments-api', { item: 7 }); // a batch: each item once
   * ```
   */
  async redeem(
    receipt: string,
    audience: string,
    options: RedeemOptions = {},
  ): Promise<Redemption> {
    const { item, ...call } = options;
    const body = { receipt, audience, ...(item === undefined ? {} : { item }) };
    return this.#server('POST', '/v1/receipts/redeem', body, call);
  }

  /**
   * `POST /v1/users/:id/offline-grants`: single-use grants and the bundle a device approves against. Retried as `requestApproval` is.
   *
   * @example
   * ```ts
   * const { bundle, grants } = await psea.offlineGrants('u-123', { count: 10, ttl: 86_400, audience: 'door-7', types: ['door.open'] });
   * ```
   */
  async offlineGrants(
    userId: string,
    body: OfflineGrantsRequest,
    options?: CreateOptions,
  ): Promise<OfflineGrants> {
    return this.#create(`/v1/users/${segment(userId, 'userId')}/offline-grants`, body, options);
  }

  /**
   * `POST /v1/quorums` (v3, docs/quorum.md): one action that several people approve, never the
   * initiator. Sent with an `Idempotency-Key` and retried on 503, as `requestApproval` is.
   *
   * @example
   * ```ts
   * const q = await psea.requestQuorum({
   *   initiator: 'agent-7', action, audience: 'payments-api',
   *   groups: [{ name: 'Finance', users: [{ id: 'u-2' }, { id: 'u-3' }], required: 2 }],
   * });
   * for (const a of q.approvers) notify(a.user, a.approveUrl);
   * ```
   */
  async requestQuorum<A extends Action>(
    body: QuorumRequest<A>,
    options?: CreateOptions,
  ): Promise<Quorum> {
    return this.#create('/v1/quorums', body, options);
  }

  /**
   * `GET /v1/quorums/:id[?wait=S]`, with the API key or the quorum's `statusToken`. Retried on 503.
   *
   * @example
   * ```ts
   * const { state, groups } = await psea.quorumStatus(q.quorum, { statusToken: q.statusToken });
   * ```
   */
  async quorumStatus(id: string, options: StatusOptions = {}): Promise<QuorumStatus> {
    const path = `/v1/quorums/${segment(id, 'quorum')}`;
    return statusRequest(this.#transport, path, () => this.#key(), options, QUORUM_STATES);
  }

  /**
   * Long-poll `quorumStatus` until the quorum is no longer `pending` (`approved` with its receipt,
   * `expired`, `cancelled` or `burned`), as `waitForApproval` does for one ticket.
   *
   * @example
   * ```ts
   * const done = await psea.waitForQuorum(q.quorum, { timeoutMs: 3_600_000, statusToken: q.statusToken });
   * if (done.state === 'approved') await verifyReceipt(done.receipt!, { ..., subject: 'agent-7', action, quorum: policy });
   * ```
   */
  async waitForQuorum(id: string, options: WaitOptions): Promise<QuorumStatus> {
    segment(id, 'quorum');
    return this.#wait(options, (o) => this.quorumStatus(id, o));
  }

  /**
   * `DELETE /v1/quorums/:id`: cancelled; rejects `quorum_closed` when it is no longer pending. Retried on 503.
   *
   * @example
   * ```ts
   * await psea.cancelQuorum(q.quorum);
   * ```
   */
  async cancelQuorum(id: string, options?: CallOptions): Promise<void> {
    await this.#server('DELETE', `/v1/quorums/${segment(id, 'quorum')}`, undefined, options);
  }

  /** Long-poll `read` until it answers a state other than `pending` (wait-for-approval.ts). */
  #wait<T extends { state: string }>(options: WaitOptions, read: (o: StatusOptions) => Promise<T>) {
    const { statusToken } = options;
    if (statusToken === undefined) this.#key();
    const poll = (wait: number, signal: AbortSignal) => read({ wait, statusToken, signal });
    return waitForApproval(poll, options.timeoutMs, options.signal);
  }

  #key(): string {
    if (this.#apiKey === undefined)
      throw new PseaError('invalid_options', 'this route needs the apiKey option');
    return this.#apiKey;
  }

  #create<T>(path: string, body: unknown, options?: CreateOptions): Promise<T> {
    return createRequest(this.#transport, this.#key(), path, body, options);
  }

  #server<T>(method: Call['method'], path: string, body: unknown, o: CallOptions = {}): Promise<T> {
    return request<T>(this.#transport, {
      method,
      path,
      token: this.#key(),
      body,
      signal: o.signal,
    });
  }
}
