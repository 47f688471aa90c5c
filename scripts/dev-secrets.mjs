// Fresh development secrets: a random API key and an ES256 signing key set.
// Used by `npm start` (first run) and the end-to-end tests; never a fixed key.
import { generateKeyPairSync, randomBytes } from 'node:crypto';

/** A random API key: 32 bytes, base64url (43 characters, over the 32 SPEC asks). */
export function newApiKey() {
  return randomBytes(32).toString('base64url');
}

/** A JWK Set holding one fresh private ES256 key, as RECEIPT_SIGNING_KEYS expects. */
export function newSigningKeySet(kid = `dev-${new Date().toISOString().slice(0, 10)}`) {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  return JSON.stringify({ keys: [{ ...jwk, kid, alg: 'ES256' }] });
}

/** dotenv text; values single-quoted so JSON survives. */
export function toDotenv(vars) {
  return Object.entries(vars)
    .map(([k, v]) => `${k}='${String(v).replaceAll("'", '')}'`)
    .join('\n') + '\n';
}
