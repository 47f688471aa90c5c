/**
 * `psea/evidence`: check an evidence bundle (docs/api.md "Evidence and the
 * transparency log") with no trust in the service beyond a pinned log key.
 * Runtime agnostic: WebCrypto, jose and @simplewebauthn/server, no
 * `cloudflare:*` or `node:*` imports.
 */
export { verifyEvidence } from './verify-evidence.ts';
export { EvidenceError } from './errors.ts';
export type {
  QuorumCheck,
  QuorumEvidenceOptions,
  QuorumEvidenceResult,
} from './verify-quorum-evidence.ts';
export {
  CHECK_NAMES,
  type Check,
  type CheckName,
  type EvidenceResult,
  type VerifyEvidenceOptions,
} from './types.ts';
// The log's verifier, for an auditor that checks a user's log apart from any one bundle (examples/evidence-audit/).
export {
  CUSTODY_ROOTS,
  decodeHashes,
  leafHashOf,
  LogError,
  logOrigin,
  openCheckpoint,
  verifyConsistency,
  verifyInclusion,
} from '../log/index.ts';
