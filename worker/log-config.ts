/**
 * The log key's configuration (docs/evidence.md ("The log")): LOG_SIGNING_KEY, a Go
 * note signer key, signs every checkpoint; the verifier keys published at
 * /.well-known/psea-log-key are its own, then LOG_VERIFIER_KEYS (older keys
 * still to be trusted while verifiers move to the new one, comma- or
 * newline-separated). Both fail closed as 500 `misconfigured` with a log
 * line naming the variable, never its value.
 */
import { misconfigured } from './config';
import type { Env } from './env';
import {
  parseSignerKey,
  parseVerifierKey,
  verifierKeyOf,
  type NoteSigner,
} from '../packages/psea/src/log/note-keys';

const reason = (err: unknown) => (err instanceof Error ? err.message : 'unreadable');

const signers = new Map<string, Promise<NoteSigner | Error>>();
const verifierLists = new Map<string, Promise<string[] | Error>>();

function cached<T>(
  cache: Map<string, Promise<T | Error>>,
  raw: string,
  make: () => Promise<T>,
): Promise<T | Error> {
  let hit = cache.get(raw);
  if (!hit) {
    hit = make().catch((err: unknown) => new Error(reason(err)));
    if (cache.size > 16) cache.clear();
    cache.set(raw, hit);
  }
  return hit;
}

/** The log signer; every call on a bad secret logs and fails closed. */
export async function getLogSigner(env: Env): Promise<NoteSigner> {
  const raw = env.LOG_SIGNING_KEY?.trim();
  if (!raw) throw misconfigured('LOG_SIGNING_KEY', 'required');
  const signer = await cached(signers, raw, () => parseSignerKey(raw));
  if (signer instanceof Error) throw misconfigured('LOG_SIGNING_KEY', signer.message);
  return signer;
}

/** The verifier key strings to publish: the signer's first, then LOG_VERIFIER_KEYS', each once. */
export async function getLogVerifierKeys(env: Env): Promise<string[]> {
  const signer = await getLogSigner(env);
  const raw = env.LOG_VERIFIER_KEYS ?? '';
  const older = await cached(verifierLists, raw, async () => {
    const keys = raw
      .split(/[,\n]/)
      .map((k) => k.trim())
      .filter(Boolean);
    // Parsing checks each one's key hash: a key copied wrong fails here, not in a verifier.
    for (const key of keys) await parseVerifierKey(key);
    return keys;
  });
  if (older instanceof Error) throw misconfigured('LOG_VERIFIER_KEYS', older.message);
  return [...new Set([await verifierKeyOf(signer), ...older])];
}
