/**
 * `psea/offline`: what a field device with no network needs to check an
 * offline approval (docs/offline.md ("Offline approvals")), and what a device needs
 * to build the statement it signs. Runtime agnostic: WebCrypto, jose and
 * @simplewebauthn/server's helpers, no `cloudflare:*` or `node:*` imports,
 * no global read but `crypto`.
 */
export { verifyOfflineProof, type VerifyOfflineProofOptions } from './verify-offline-proof.ts';
export {
  offlineStatement,
  offlineChallenge,
  type OfflineStatementInput,
} from './offline-statement.ts';
export { OFFLINE_BUNDLE_TYP } from './verify-bundle.ts';
export { grantCoversType, isGrantTypePattern } from './grant-types.ts';
export { OfflineProofError, type OfflineProofErrorCode } from './errors.ts';
export type * from './types.ts';
