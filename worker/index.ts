/**
 * The production entry (wrangler.toml `main`): the service's app and its
 * Durable Object classes. The demo bank is not here: it is mounted only by
 * the development entry, demo/index.ts, which `npm start` runs.
 */
import { createApp } from './app';

export { UserVault } from './vault/user-vault';
export { CredentialOwner } from './vault/credential-owners';
export { IdempotencyRecord } from './idempotency/idempotency-record';

export default createApp();
