/**
 * `psea/client`: the typed client of PSEA's server routes, for a host
 * backend or an agent's host, and `verifyWebhook` for the receiving side of
 * the service's webhooks. Runtime agnostic: `fetch`, `AbortSignal`, timers
 * and `standardwebhooks` only, no `node:*` or `cloudflare:*` imports, so it
 * runs in Node 20, Deno, Bun and Workers. Checking a receipt is
 * `psea/receipt`'s `verifyReceipt`; checking evidence is `psea/evidence`'s.
 */
export { PseaClient } from './psea-client.ts';
export type {
  CallOptions,
  CreateOptions,
  PseaClientOptions,
  RedeemOptions,
  StatusOptions,
  WaitOptions,
} from './options.ts';
export { verifyWebhook } from './verify-webhook.ts';
export {
  PseaError,
  CLIENT_ERROR_CODES,
  SERVICE_ERROR_CODES,
  type ClientErrorCode,
  type Problem,
  type PseaErrorCode,
  type ServiceErrorCode,
} from './errors.ts';
export { MAX_WAIT_SECONDS, MIN_POLL_INTERVAL_MS } from './wait-for-approval.ts';
export { MAX_RETRY_AFTER_MS } from './retry-delay.ts';
export type * from './types.ts';
export type * from './quorum-types.ts';
