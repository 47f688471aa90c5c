/**
 * A grant nonce routes to its user's vault, as a ticket does: 32 bytes of the
 * vault's Durable Object id, then 16 random bytes, base64url (64 characters;
 * docs/api.md asks at least 16 random bytes). `POST /v1/offline-proofs` is open to
 * anyone, so it must not address a vault by the statement's `sub` alone:
 * every made-up `sub` would create (and migrate) an empty object, an
 * unbounded cost for no key at all. `idFromString` refuses an id this
 * namespace never made, and the id must be the `sub`'s own vault, so only a
 * nonce the service issued reaches a vault, and only its user's.
 */
import type { Env } from '../env';
import { ProblemError } from '../errors';
import { decodeB64url, encodeB64url } from '../../packages/psea/src/internal/base64url';

const ID_BYTES = 32;
const RANDOM_BYTES = 16;
const NONCE = /^[A-Za-z0-9_-]{64}$/;

const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

function hexBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** A fresh grant nonce for the user's vault. */
export function newGrantNonce(env: Env, userId: string): string {
  const nonce = new Uint8Array(ID_BYTES + RANDOM_BYTES);
  nonce.set(hexBytes(env.VAULT.idFromName(userId).toString()));
  nonce.set(crypto.getRandomValues(new Uint8Array(RANDOM_BYTES)), ID_BYTES);
  return encodeB64url(nonce);
}

/** The vault of the grant this nonce names, if it is `userId`'s; anything else is no grant of theirs (404). */
export function grantVault(env: Env, nonce: string, userId: string) {
  if (!NONCE.test(nonce))
    throw new ProblemError('ticket_not_found', 'no such offline grant for this user');
  let id: DurableObjectId;
  try {
    id = env.VAULT.idFromString(hex(decodeB64url(nonce).subarray(0, ID_BYTES)));
  } catch {
    throw new ProblemError('ticket_not_found', 'no such offline grant for this user');
  }
  if (!id.equals(env.VAULT.idFromName(userId)))
    throw new ProblemError('ticket_not_found', 'no such offline grant for this user');
  return env.VAULT.get(id);
}
