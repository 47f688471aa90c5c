/**
 * Note keys in the Go `note` format (golang.org/x/mod/sumdb/note, C2SP
 * signed-note), Ed25519 only (algorithm byte 0x01):
 *
 *   signer    PRIVATE+KEY+<name>+<key hash, 8 hex>+<base64(0x01 ‖ 32-byte seed)>
 *   verifier  <name>+<key hash, 8 hex>+<base64(0x01 ‖ 32-byte public key)>
 *
 * key hash = the first 4 bytes, big-endian, of SHA-256(name ‖ "\n" ‖ 0x01 ‖
 * public key). Parsing checks it, so a key string copied wrong fails here,
 * not later as a bad signature.
 */
import { boundedMemo } from '../internal/bounded-memo.ts';
import { decodeBase64, encodeBase64 } from './base64.ts';
import { importPublicKey, importSeed } from './ed25519.ts';
import { LogError } from './errors.ts';

const ALG_ED25519 = 0x01;
const utf8 = new TextEncoder();

export interface NoteSigner {
  name: string;
  /** The key hash (key ID), a uint32. */
  keyHash: number;
  /** The 32-byte Ed25519 public key. */
  publicKey: Uint8Array;
  privateKey: CryptoKey;
}

export interface NoteVerifier {
  name: string;
  keyHash: number;
  /** The 32-byte Ed25519 public key. */
  publicKey: Uint8Array;
  key: CryptoKey;
}

/**
 * Whether `name` can name a note key: non-empty, no Unicode space, no `+`
 * (the key strings' separator), no control character.
 *
 * @example
 * ```ts
 * isKeyName('psea.example.com/psea'); // true
 * isKeyName('two words');             // false
 * ```
 */
export function isKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+\p{Cc}\p{Cs}]/u.test(name);
}

/**
 * The key hash of an Ed25519 note key.
 *
 * @example
 * ```ts
 * (await keyHash('PeterNeumann', publicKey)).toString(16); // 'c74f20a3'
 * ```
 */
export async function keyHash(name: string, publicKey: Uint8Array): Promise<number> {
  const nameBytes = utf8.encode(`${name}\n`);
  const input = new Uint8Array(nameBytes.length + 1 + publicKey.length);
  input.set(nameBytes);
  input[nameBytes.length] = ALG_ED25519;
  input.set(publicKey, nameBytes.length + 1);
  return new DataView(await crypto.subtle.digest('SHA-256', input)).getUint32(0);
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

/** `s` cut at its first `+` (Go's `chop`): the key part may itself hold `+`. */
function chop(s: string): [string, string] {
  const i = s.indexOf('+');
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}

/** name, hash and 32 key bytes of `<name>+<hash>+<base64(0x01 ‖ key)>`, or why not. */
function fields(text: string, what: string): { name: string; hash: number; key: Uint8Array } {
  const [name, rest] = chop(text);
  const [hash16, key64] = chop(rest);
  const bad = (why: string) => new LogError('invalid_key', `${what} is malformed: ${why}`);
  if (!isKeyName(name))
    throw bad('the name is empty or holds a space, a "+" or a control character');
  if (!/^[0-9a-fA-F]{8}$/.test(hash16)) throw bad('the key hash is not 8 hex digits');
  const key = decodeBase64(key64);
  if (key === undefined || key.length === 0) throw bad('the key is not standard base64');
  if (key[0] !== ALG_ED25519) throw bad(`algorithm ${key[0]} is not Ed25519 (1)`);
  if (key.length !== 33) throw bad('an Ed25519 key is 32 bytes');
  return { name, hash: parseInt(hash16, 16), key: key.subarray(1) };
}

/**
 * Parse a signer key string (`LOG_SIGNING_KEY`).
 *
 * @throws {LogError} `invalid_key` when it is malformed, not Ed25519, or its
 *   key hash does not match; the message never contains the key.
 *
 * @example
 * ```ts
 * const signer = await parseSignerKey(env.LOG_SIGNING_KEY); // signer.name: 'psea.example.com/psea'
 * ```
 */
export async function parseSignerKey(text: string): Promise<NoteSigner> {
  if (typeof text !== 'string' || !text.startsWith('PRIVATE+KEY+')) {
    throw new LogError('invalid_key', 'signer key is malformed: it must start with PRIVATE+KEY+');
  }
  const { name, hash, key } = fields(text.slice('PRIVATE+KEY+'.length), 'signer key');
  const { privateKey, publicKey } = await importSeed(key);
  if ((await keyHash(name, publicKey)) !== hash)
    throw new LogError(
      'invalid_key',
      'signer key is malformed: the key hash does not match the key',
    );
  return { name, keyHash: hash, publicKey, privateKey };
}

/**
 * Parse a verifier key string, as `GET /.well-known/psea-log-key` lists them.
 *
 * @throws {LogError} `invalid_key` when it is malformed, not Ed25519, or its key hash does not match.
 *
 * @example
 * ```ts
 * const verifier = await parseVerifierKey('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW');
 * ```
 */
export async function parseVerifierKey(text: string): Promise<NoteVerifier> {
  if (typeof text !== 'string') throw new LogError('invalid_key', 'verifier key is not a string');
  return verifierKeys(text);
}

/** A pinned key is parsed and imported once (a verifier checks note after note under it). */
const verifierKeys = boundedMemo(16, async (text: string): Promise<NoteVerifier> => {
  const { name, hash, key } = fields(text, 'verifier key');
  if ((await keyHash(name, key)) !== hash)
    throw new LogError(
      'invalid_key',
      'verifier key is malformed: the key hash does not match the key',
    );
  return { name, keyHash: hash, publicKey: key, key: await importPublicKey(key) };
});

/**
 * The verifier key string of a signer: what the service publishes.
 *
 * @throws {LogError} `invalid_key` when the signer key is not a valid one.
 *
 * @example
 * ```ts
 * await verifierKeyOf('PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz');
 * // 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'
 * ```
 */
export async function verifierKeyOf(signer: string | NoteSigner): Promise<string> {
  const {
    name,
    keyHash: hash,
    publicKey,
  } = typeof signer === 'string' ? await parseSignerKey(signer) : signer;
  return `${name}+${hex8(hash)}+${encodeBase64(new Uint8Array([ALG_ED25519, ...publicKey]))}`;
}

/**
 * A new random Ed25519 signer key string named `name` (for `npm start`).
 *
 * @throws {LogError} `invalid_key` when `name` cannot name a key.
 *
 * @example
 * ```ts
 * const key = await generateSignerKey('localhost:8787/psea'); // 'PRIVATE+KEY+localhost:8787/psea+…'
 * ```
 */
export async function generateSignerKey(name: string): Promise<string> {
  if (!isKeyName(name))
    throw new LogError(
      'invalid_key',
      'a key name must be non-empty, without spaces, "+" or control characters',
    );
  const seed = crypto.getRandomValues(new Uint8Array(32));
  const { publicKey } = await importSeed(seed);
  const text = `PRIVATE+KEY+${name}+${hex8(await keyHash(name, publicKey))}+${encodeBase64(new Uint8Array([ALG_ED25519, ...seed]))}`;
  seed.fill(0);
  return text;
}
