// Fresh development secrets: a random API key, an ES256 signing key set and a log key.
// Used by `npm start` (first run) and the end-to-end tests; never a fixed key.
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

/** A random API key: 32 bytes, base64url (43 characters, over the 32 docs/api.md asks). */
export function newApiKey() {
  return randomBytes(32).toString('base64url');
}

/** A JWK Set holding one fresh private ES256 key, as RECEIPT_SIGNING_KEYS expects. */
export function newSigningKeySet(kid = `dev-${new Date().toISOString().slice(0, 10)}`) {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
    format: 'jwk',
  });
  return JSON.stringify({ keys: [{ ...jwk, kid, alg: 'ES256' }] });
}

/**
 * A fresh Ed25519 log signer key in the Go note format, as LOG_SIGNING_KEY
 * expects: `PRIVATE+KEY+<name>+<key hash>+<base64(0x01 ‖ seed)>`, the key hash
 * being the first 4 bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key), in hex.
 * `name` is `<host of ISSUER or the service's origin>/psea`.
 */
export function newLogSigningKey(name) {
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d, 'base64url');
  const pub = Buffer.from(jwk.x, 'base64url');
  const hash = createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${name}\n`), Buffer.from([1]), pub]))
    .digest()
    .subarray(0, 4)
    .toString('hex');
  return `PRIVATE+KEY+${name}+${hash}+${Buffer.concat([Buffer.from([1]), seed]).toString('base64')}`;
}

/** The log key's name for a service at this origin (ISSUER, or where it runs): `<host>/psea`. */
export function logKeyName(origin) {
  return `${new URL(origin).host}/psea`;
}

/** dotenv text; values single-quoted so JSON survives. */
export function toDotenv(vars) {
  return (
    Object.entries(vars)
      .map(([k, v]) => `${k}='${String(v).replaceAll("'", '')}'`)
      .join('\n') + '\n'
  );
}

/** The variables of a .dev.vars file (KEY='value' lines). */
export function readDotenv(text) {
  return Object.fromEntries(
    text
      .split('\n')
      .map((line) => /^([A-Z_]+)=['"]?(.*?)['"]?$/.exec(line.trim()))
      .filter(Boolean)
      .map((m) => [m[1], m[2]]),
  );
}

/**
 * npm start's .dev.vars: written on first run (random API key, fresh ES256
 * key set, a log key named for `origin`, demo on); an existing one that has
 * no LOG_SIGNING_KEY (made before the log) gets one added, named for its
 * ISSUER when set, and nothing else changed. Returns its variables.
 */
/** The demo bank's offline switch needs a rule that takes offline proofs of its transfer (docs/offline.md). */
export const DEMO_POLICY = JSON.stringify({
  rules: [
    { id: 'demo-transfer', match: { type: 'wire.transfer' }, offline: true },
    { id: 'default' },
  ],
});

export function ensureDevVars(file, origin, log = console.log) {
  if (!existsSync(file)) {
    const vars = {
      API_KEYS: newApiKey(),
      RECEIPT_SIGNING_KEYS: newSigningKeySet(),
      LOG_SIGNING_KEY: newLogSigningKey(logKeyName(origin)),
      ALLOWED_ORIGINS: origin,
      DEMO: 'true',
      POLICY: DEMO_POLICY,
    };
    writeFileSync(file, toDotenv(vars), { mode: 0o600 });
    log(`Wrote ${file} with a new API key, signing key and log key (kept out of git).`);
  }
  const text = readFileSync(file, 'utf8');
  const vars = readDotenv(text);
  if (!vars.LOG_SIGNING_KEY) {
    vars.LOG_SIGNING_KEY = newLogSigningKey(logKeyName(vars.ISSUER || origin));
    appendFileSync(
      file,
      `${text === '' || text.endsWith('\n') ? '' : '\n'}${toDotenv({ LOG_SIGNING_KEY: vars.LOG_SIGNING_KEY })}`,
    );
    log(`Added a log signing key (LOG_SIGNING_KEY) to ${file}.`);
  }
  return vars;
}

/** The line npm start keeps in .dev.vars to know which origin it put there last. */
const SERVED_ON = /^# npm start serves on (\S+)$/m;

/**
 * Point .dev.vars at the origin npm start serves on now: that origin goes first in
 * ALLOWED_ORIGINS (replacing the one npm start put there last, other origins kept), and ISSUER
 * becomes it unless someone set ISSUER to something else. A comment line remembers the origin.
 * Returns the variables, as ensureDevVars does.
 */
export function followOrigin(file, origin, log = console.log) {
  const text = readFileSync(file, 'utf8');
  const vars = readDotenv(text);
  const previous = SERVED_ON.exec(text)?.[1];
  const others = (vars.ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o && o !== previous && o !== origin);
  const next = {
    ...vars,
    ALLOWED_ORIGINS: [origin, ...others].join(','),
    ISSUER: !vars.ISSUER || vars.ISSUER === previous ? origin : vars.ISSUER,
  };
  const lines = text.split('\n').filter((l) => l !== '' && !SERVED_ON.test(l));
  for (const key of ['ALLOWED_ORIGINS', 'ISSUER']) {
    const line = toDotenv({ [key]: next[key] }).trim();
    const at = lines.findIndex((l) => l.trim().startsWith(`${key}=`));
    if (at >= 0) lines[at] = line;
    else lines.push(line);
  }
  const out = `# npm start serves on ${origin}\n${lines.join('\n')}\n`;
  if (out !== text) {
    writeFileSync(file, out, { mode: 0o600 });
    if (vars.ISSUER !== next.ISSUER || vars.ALLOWED_ORIGINS !== next.ALLOWED_ORIGINS)
      log(`${file}: ISSUER ${next.ISSUER}, ALLOWED_ORIGINS ${next.ALLOWED_ORIGINS}`);
  }
  return next;
}
