import type { IdempotencyRecord } from './idempotency/idempotency-record';
import type { CredentialOwner } from './vault/credential-owners';
import type { UserVault } from './vault/user-vault';

/** Bindings from wrangler.toml `[vars]`, secrets and the Durable Object namespaces. */
export interface Env {
  VAULT: DurableObjectNamespace<UserVault>;
  /** One object per credential id: the user it was enrolled for. */
  CREDENTIAL_OWNERS: DurableObjectNamespace<CredentialOwner>;
  /** One object per (API key, Idempotency-Key) pair, named by a hash of both. */
  IDEMPOTENCY: DurableObjectNamespace<IdempotencyRecord>;
  RP_ID?: string;
  RP_NAME?: string;
  ALLOWED_ORIGINS?: string;
  ISSUER?: string;
  RECEIPT_TTL_SECONDS?: string;
  TICKET_TTL_SECONDS?: string;
  /** JSON policy document (see docs/policy.md); empty means the default catch-all rule. */
  POLICY?: string;
  /** "true" turns on the demo bank at `/` (npm start sets it in .dev.vars). */
  DEMO?: string;
  API_KEYS?: string;
  RECEIPT_SIGNING_KEYS?: string;
  /** v2 (agents): comma-separated https origins an action's callbackUrl may name (worker/webhooks/config.ts). */
  CALLBACK_ORIGINS?: string;
  /** v2 (agents): where credential events are POSTed, when set. */
  CREDENTIAL_WEBHOOK_URL?: string;
  /** v2 (agents), secret: `whsec_…`, the Standard Webhooks signing key. */
  WEBHOOK_SECRET?: string;
  /** Days an approval's evidence is kept (default 90). */
  EVIDENCE_TTL_DAYS?: string;
  /** The log's Ed25519 note signer key, `PRIVATE+KEY+<name>+<hash>+<key>` (secret). */
  LOG_SIGNING_KEY?: string;
  /** Older log verifier keys still published at /.well-known/psea-log-key, comma- or newline-separated. */
  LOG_VERIFIER_KEYS?: string;
}

/** Hono environment shared by every route group. */
export interface AppEnv {
  Bindings: Env;
}
