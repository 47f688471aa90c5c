/**
 * C2SP tlog-checkpoint: the signed note of a log's tree head. Its text is
 * the origin, the tree size in decimal, and the base64 root hash, one a line
 * (extension lines may follow; this log writes none). Here the origin names
 * the user too, `<log key name>/<base64url(SHA-256(user id))>`, so a
 * checkpoint of one user's log can never pass for another's.
 */
import { sha256B64url } from '../internal/sha256-b64url.ts';
import { decodeBase64, encodeBase64 } from './base64.ts';
import { LogError } from './errors.ts';
import { HASH_SIZE } from './merkle-hash.ts';
import type { NoteSigner, NoteVerifier } from './note-keys.ts';
import { openNote, signNote, type NoteSignature } from './signed-note.ts';

export interface Checkpoint {
  origin: string;
  /** Leaves in the tree. */
  size: number;
  /** The tree's root hash, 32 bytes. */
  root: Uint8Array;
}

const bad = (why: string) => new LogError('invalid_checkpoint', why);

/**
 * The origin line of a user's log.
 *
 * @example
 * ```ts
 * await logOrigin('psea.example.com/psea', 'user-1'); // 'psea.example.com/psea/<43 base64url characters>'
 * ```
 */
export async function logOrigin(keyName: string, userId: string): Promise<string> {
  return `${keyName}/${await sha256B64url(userId)}`;
}

/**
 * The note text of a checkpoint.
 *
 * @throws {LogError} `invalid_checkpoint` for an empty or multi-line origin, a size that is not a whole number, a root that is not 32 bytes.
 *
 * @example
 * ```ts
 * formatCheckpoint({ origin: 'example.com/log', size: 7, root }); // 'example.com/log\n7\n3bu0nz…=\n'
 * ```
 */
export function formatCheckpoint({ origin, size, root }: Checkpoint): string {
  if (origin === '' || origin.includes('\n')) throw bad('the origin must be one non-empty line');
  if (!Number.isSafeInteger(size) || size < 0) throw bad('the tree size must be a whole number');
  if (root.length !== HASH_SIZE) throw bad(`the root must be a ${HASH_SIZE}-byte hash`);
  return `${origin}\n${size}\n${encodeBase64(root)}\n`;
}

/**
 * A checkpoint from its note text (already verified: see `openCheckpoint`).
 *
 * @throws {LogError} `invalid_checkpoint` when the text is not a checkpoint.
 *
 * @example
 * ```ts
 * const { origin, size, root, extensions } = parseCheckpoint(text);
 * ```
 */
export function parseCheckpoint(text: string): Checkpoint & { extensions: string[] } {
  if (!text.endsWith('\n')) throw bad('a checkpoint ends in a newline');
  const [origin, size, root, ...extensions] = text.slice(0, -1).split('\n');
  if (!origin || size === undefined || root === undefined)
    throw bad('a checkpoint has an origin, a tree size and a root hash');
  if (!/^(0|[1-9][0-9]*)$/.test(size) || !Number.isSafeInteger(Number(size)))
    throw bad('the tree size is not a decimal whole number');
  const hash = decodeBase64(root);
  if (hash?.length !== HASH_SIZE) throw bad(`the root is not a base64 ${HASH_SIZE}-byte hash`);
  if (extensions.some((line) => line === '')) throw bad('an extension line is empty');
  return { origin, size: Number(size), root: hash, extensions };
}

/**
 * A checkpoint signed as a note by the log key.
 *
 * @example
 * ```ts
 * const note = await signCheckpoint({ origin: await logOrigin(signer.name, userId), size: log.size(), root: log.root() }, signer);
 * ```
 */
export function signCheckpoint(checkpoint: Checkpoint, signer: NoteSigner): Promise<string> {
  return signNote(formatCheckpoint(checkpoint), signer);
}

/**
 * Verify a checkpoint note against keys the caller pinned, and that it is the
 * checkpoint of the log named `origin` (for a user's log:
 * `await logOrigin(keyName, userId)`).
 *
 * @throws {LogError} whatever `openNote` throws; `invalid_checkpoint` when
 *   the signed text is not a checkpoint or is another log's.
 *
 * @example
 * ```ts
 * const { checkpoint } = await openCheckpoint(bundle.log.checkpoint, [pinnedKey], await logOrigin(keyName, userId));
 * ```
 */
export async function openCheckpoint(
  note: string,
  verifierKeys: readonly (string | NoteVerifier)[],
  origin: string,
): Promise<{ checkpoint: Checkpoint & { extensions: string[] }; signatures: NoteSignature[] }> {
  const { text, signatures } = await openNote(note, verifierKeys);
  const checkpoint = parseCheckpoint(text);
  if (checkpoint.origin !== origin)
    throw bad(`the checkpoint is of log "${checkpoint.origin}", not "${origin}"`);
  return { checkpoint, signatures };
}
