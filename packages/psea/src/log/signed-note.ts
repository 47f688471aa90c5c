/**
 * C2SP signed notes (c2sp.org/signed-note, the Go `note` package's format):
 * a text ending in a newline, a blank line, then signature lines
 * `— <key name> <base64(4-byte key hash ‖ signature)>`, each ending in a
 * newline. Signatures by keys the caller does not know are ignored; one by a
 * known key that fails rejects the whole note; a note no known key signed is
 * refused.
 */
import { decodeBase64, encodeBase64 } from './base64.ts';
import { sign, verify } from './ed25519.ts';
import { LogError } from './errors.ts';
import { isKeyName, parseVerifierKey, type NoteSigner, type NoteVerifier } from './note-keys.ts';

/** U+2014 EM DASH and a space: how every signature line begins. */
const SIG_PREFIX = '\u2014 ';
/** Go's limit: well over C2SP's minimum of 16, well under what could cost real time. */
const MAX_SIGNATURES = 100;
const utf8 = new TextEncoder();

/** A signature line of a note. */
export interface NoteSignature {
  name: string;
  keyHash: number;
  /** base64(key hash ‖ signature), as on the line. */
  base64: string;
}

export interface OpenedNote {
  /** The signed text, final newline included. */
  text: string;
  /** Signatures by the given keys, each verified. */
  signatures: NoteSignature[];
  /** Signatures by keys not given, not checked. */
  unverified: NoteSignature[];
}

/** Notes hold no control character but the newline, and (here as JS strings) no lone surrogate. */
function checkCharacters(text: string, what: string): void {
  if (/[\u0000-\u0009\u000b-\u001f]|\p{Cs}/u.test(text)) {
    throw new LogError(
      'malformed_note',
      `${what} holds a control character or is not valid Unicode`,
    );
  }
}

/**
 * Sign `text` (which must end in a newline) as a note with one signature.
 *
 * @throws {LogError} `malformed_note` when the text cannot be a note's.
 *
 * @example
 * ```ts
 * const note = await signNote('hello\n', await parseSignerKey(env.LOG_SIGNING_KEY));
 * // 'hello\n\n— psea.example.com/psea <base64>\n'
 * ```
 */
export async function signNote(text: string, signer: NoteSigner): Promise<string> {
  if (!text.endsWith('\n')) throw new LogError('malformed_note', 'note text must end in a newline');
  checkCharacters(text, 'note text');
  const signature = await sign(signer.privateKey, utf8.encode(text));
  const line = new Uint8Array(4 + signature.length);
  new DataView(line.buffer).setUint32(0, signer.keyHash);
  line.set(signature, 4);
  return `${text}\n${SIG_PREFIX}${signer.name} ${encodeBase64(line)}\n`;
}

/**
 * Open a signed note: split it, and verify every signature by one of
 * `verifierKeys` (key strings or parsed keys).
 *
 * @throws {LogError} `malformed_note` when it is not a signed note;
 *   `signature_invalid` when a signature by a given key fails;
 *   `unverified_note` when no given key signed it; `invalid_key` when a key
 *   string is malformed, or two different keys share a name and key hash.
 *
 * @example
 * ```ts
 * const { text } = await openNote(checkpointNote, [pinnedLogKey]);
 * ```
 */
export async function openNote(
  note: string,
  verifierKeys: readonly (string | NoteVerifier)[],
): Promise<OpenedNote> {
  if (typeof note !== 'string') throw new LogError('malformed_note', 'a note is text');
  checkCharacters(note, 'the note');
  const known = new Map<string, NoteVerifier>();
  for (const key of verifierKeys) {
    const verifier = typeof key === 'string' ? await parseVerifierKey(key) : key;
    const id = `${verifier.name}+${verifier.keyHash}`;
    const other = known.get(id);
    if (other !== undefined && encodeBase64(other.publicKey) !== encodeBase64(verifier.publicKey)) {
      throw new LogError(
        'invalid_key',
        `two different keys are named ${verifier.name} with one key hash`,
      );
    }
    known.set(id, verifier);
  }

  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new LogError('malformed_note', 'no blank line before the signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block === '' || !block.endsWith('\n'))
    throw new LogError('malformed_note', 'the signature block must end in a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES)
    throw new LogError('malformed_note', `more than ${MAX_SIGNATURES} signatures`);

  const opened: OpenedNote = { text, signatures: [], unverified: [] };
  const seen = new Set<string>();
  const message = utf8.encode(text);
  for (const line of lines) {
    if (!line.startsWith(SIG_PREFIX))
      throw new LogError(
        'malformed_note',
        'a signature line must begin with an em dash and a space',
      );
    const rest = line.slice(SIG_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = space < 0 ? rest : rest.slice(0, space);
    const base64 = space < 0 ? '' : rest.slice(space + 1);
    const bytes = decodeBase64(base64);
    if (!isKeyName(name) || bytes === undefined || bytes.length < 5)
      throw new LogError('malformed_note', 'a signature line is not "— <name> <base64>"');
    const keyHash = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0);
    const signature = { name, keyHash, base64 };
    const verifier = known.get(`${name}+${keyHash}`);
    if (verifier === undefined) {
      if (!seen.has(line)) opened.unverified.push(signature);
    } else if (!seen.has(`${name}+${keyHash}`)) {
      // An Ed25519 signature is 64 bytes; WebCrypto need not say so itself.
      if (bytes.length !== 68 || !(await verify(verifier.key, bytes.subarray(4), message))) {
        throw new LogError(
          'signature_invalid',
          `the signature of ${name}+${keyHash.toString(16).padStart(8, '0')} does not verify`,
        );
      }
      opened.signatures.push(signature);
      seen.add(`${name}+${keyHash}`);
    }
    seen.add(line);
  }
  if (opened.signatures.length === 0)
    throw new LogError('unverified_note', 'no signature by a known key');
  return opened;
}
