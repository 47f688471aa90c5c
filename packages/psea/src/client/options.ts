/** The options of `PseaClient` and of its methods. */

/**
 * What `new PseaClient(...)` takes.
 *
 * @example
 * ```ts
 * const options: PseaClientOptions = { baseUrl: env.PSEA_ORIGIN, apiKey: env.PSEA_API_KEY, fetch: env.PSEA.fetch.bind(env.PSEA), retries: 3 };
 * ```
 */
export interface PseaClientOptions {
  /** The service's origin, e.g. `https://approve.example.com` (https, or http on a loopback host). */
  baseUrl: string;
  /** One of the service's `API_KEYS`. Optional for a party that only waits with a `statusToken`. */
  apiKey?: string;
  /** A `fetch` to use instead of the global one (a test double, a Worker's service binding's). */
  fetch?: typeof fetch;
  /**
   * How many times a GET, a DELETE or a create (sent with an `Idempotency-Key`) is tried again after
   * a 503 or no answer; default 2. A redeem never is.
   */
  retries?: number;
}

/**
 * Every method takes a signal: aborting rejects with `PseaError` code `aborted`.
 *
 * @example
 * ```ts
 * await psea.credentials.list('u-123', { signal: AbortSignal.timeout(5_000) });
 * ```
 */
export interface CallOptions {
  signal?: AbortSignal;
}

/** Options of `redeem`. */
export interface RedeemOptions extends CallOptions {
  /** A batch receipt: the item (0-based index) or distinct items to spend, all or none (docs/batches.md). */
  item?: number | number[];
}

/**
 * Options of a create (`createEnrollment`, `requestApproval`, `offlineGrants`).
 *
 * @example
 * ```ts
 * // Your own key, kept with the job: a process restarted mid-call repeats it and gets the same ticket.
 * await psea.requestApproval(body, { idempotencyKey: `order-42-approval` });
 * ```
 */
export interface CreateOptions extends CallOptions {
  /** The `Idempotency-Key` of every try (1–255 printable ASCII); default a random UUID per call. */
  idempotencyKey?: string;
}

/**
 * Options of `status`.
 *
 * @example
 * ```ts
 * await psea.status(ticket, { wait: 20, statusToken });
 * ```
 */
export interface StatusOptions extends CallOptions {
  /** Seconds (0–60) the service may hold the request until the state is no longer `pending`. */
  wait?: number;
  /** The 201's `statusToken`, used instead of the API key. */
  statusToken?: string;
}

/**
 * Options of `waitForApproval`.
 *
 * @example
 * ```ts
 * await psea.waitForApproval(ticket, { timeoutMs: 120_000, statusToken, signal: request.signal });
 * ```
 */
export interface WaitOptions extends CallOptions {
  /** Give up after this many milliseconds: rejects with `PseaError` code `timeout`. */
  timeoutMs: number;
  statusToken?: string;
}
