/**
 * The per-user transparency log (docs/evidence.md ("The log")): an RFC 9162 Merkle
 * tree over a store of complete subtrees, its proofs and their verification,
 * and C2SP signed-note checkpoints with Go `note` keys. Runtime agnostic:
 * WebCrypto and @noble/hashes, no `cloudflare:*` or `node:*` imports. The tree is
 * synchronous and takes its SHA-256 from the caller (see `merkle-hash.ts`).
 */
export { LogError, type LogErrorCode } from './errors.ts';
export { decodeBase64, encodeBase64 } from './base64.ts';
export {
  entryBytes,
  emptyRoot,
  hashChildren,
  hashLeaf,
  HASH_SIZE,
  type Sha256,
} from './merkle-hash.ts';
export type { LogStore, NodeStore } from './log-store.ts';
export { MemoryLogStore } from './memory-store.ts';
export { MerkleTree } from './merkle-tree.ts';
export { MAX_ENTRIES_PER_READ, TransparencyLog } from './transparency-log.ts';
export type * from './log-entry.ts';
export { CUSTODY_ROOTS } from './log-entry.ts';
export {
  leafHashOf,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './verify-proofs.ts';
export { decodeHash, decodeHashes, encodeHashes } from './hash-wire.ts';
export {
  generateSignerKey,
  isKeyName,
  keyHash,
  parseSignerKey,
  parseVerifierKey,
  verifierKeyOf,
  type NoteSigner,
  type NoteVerifier,
} from './note-keys.ts';
export { openNote, signNote, type NoteSignature, type OpenedNote } from './signed-note.ts';
export {
  formatCheckpoint,
  logOrigin,
  openCheckpoint,
  parseCheckpoint,
  signCheckpoint,
  type Checkpoint,
} from './checkpoint.ts';
