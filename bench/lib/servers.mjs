/**
 * One workerd process for the whole bench (bench/workerd/config.capnp.tmpl):
 * the real bundle twice (SQLite on `storageRoot`, and on the local disk), the
 * cpu worker and the baseline worker, each on its own 127.0.0.1 port, with
 * fresh secrets (API key, ES256 signing key) and the fixed credential and
 * assertions of the baseline and the floor.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { api } from './prep.mjs';
import { freePort, start, waitFor } from './procs.mjs';
import { newLogSigningKey } from '../../scripts/dev-secrets.mjs';

const b64url = (buf) => Buffer.from(buf).toString('base64url');
const q = (s) => JSON.stringify(String(s));

export async function startServers({
  root,
  tmp,
  storageRoot,
  SoftAuthenticator,
  inspectPort,
  sqliteCap = 'raised',
}) {
  const ports = {
    psea: await freePort(),
    disk: await freePort(),
    cpu: await freePort(),
    baseline: await freePort(),
    proxy: await freePort(),
    host: await freePort(),
  };
  const origin = (p) => `http://localhost:${p}`;
  const apiKey = randomBytes(32).toString('base64url');
  // The log key (issue 16) and the webhook secret (issue 17): an approval signs a checkpoint, a callbackUrl is signed to.
  const logSigningKey = newLogSigningKey('localhost/psea');
  const webhookSecret = `whsec_${randomBytes(32).toString('base64')}`;
  const signingJwk = {
    ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }),
    kid: 'bench',
    alg: 'ES256',
  };

  // The fixed credential and assertions of the baseline and the floor.
  const fxAuth = await SoftAuthenticator.create({});
  const challenge = b64url(randomBytes(32));
  const reqOptions = {
    challenge,
    rpId: 'localhost',
    userVerification: 'required',
    allowCredentials: [{ id: fxAuth.credentialId, type: 'public-key' }],
  };
  const assertions = [];
  for (let i = 0; i < 64; i++)
    assertions.push(await fxAuth.assert(reqOptions, { origin: origin(ports.psea) }));
  const spkiKey = await crypto.subtle.importKey(
    'spki',
    fxAuth.publicKeySpki,
    { name: 'ECDSA', namedCurve: 'P-256' },
    true,
    ['verify'],
  );
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', spkiKey);
  const fixture = {
    rpId: 'localhost',
    origin: origin(ports.psea),
    challenge,
    credential: {
      id: fxAuth.credentialId,
      publicKeyCose: b64url(fxAuth.publicKeyCose),
      publicKeyJwk: { kty, crv, x, y },
    },
    assertions,
    signingJwk,
    ticket: `${'0'.repeat(64)}.${b64url(randomBytes(32))}`,
  };

  const vars = (allowed) => ({
    RP_ID: 'localhost',
    RP_NAME: 'PSEA (bench)',
    ALLOWED_ORIGINS: allowed.join(','),
    ISSUER: '',
    RECEIPT_TTL_SECONDS: '300',
    // Tickets are prepared up to a few minutes before they are used.
    TICKET_TTL_SECONDS: '3600',
    API_KEYS: apiKey,
    RECEIPT_SIGNING_KEYS: JSON.stringify({ keys: [signingJwk] }),
    LOG_SIGNING_KEY: logSigningKey,
    WEBHOOK_SECRET: webhookSecret,
  });
  const bindings = (v) =>
    Object.entries(v)
      .map(([k, val]) => `    (name = ${q(k)}, text = ${q(val)}),`)
      .join('\n');
  const wranglerToml = await readFile(join(root, 'wrangler.toml'), 'utf8');
  const compatDate = /compatibility_date\s*=\s*"([^"]+)"/.exec(wranglerToml)?.[1] ?? '2026-04-26';
  const wdDir = join(tmp, 'workerd');
  const diskStorage = join(tmp, 'do-storage-disk');
  for (const dir of [storageRoot, diskStorage]) await rm(dir, { recursive: true, force: true });
  for (const dir of [join(storageRoot, 'psea'), join(storageRoot, 'cpu'), diskStorage, wdDir])
    await mkdir(dir, { recursive: true });
  await writeFile(join(wdDir, 'fixture.json'), JSON.stringify(fixture));
  const template = await readFile(join(root, 'bench/workerd/config.capnp.tmpl'), 'utf8');
  const config = template
    .replaceAll('{{STORAGE}}', storageRoot)
    .replaceAll('{{DISK_STORAGE}}', diskStorage)
    .replaceAll('{{PSEA_PORT}}', String(ports.psea))
    .replaceAll('{{DISK_PORT}}', String(ports.disk))
    .replaceAll('{{CPU_PORT}}', String(ports.cpu))
    .replaceAll('{{BASELINE_PORT}}', String(ports.baseline))
    .replaceAll('{{COMPAT_DATE}}', compatDate)
    // `default`: workerd's own 512 MiB cap on SQLite's heap (figure 9 counts objects against it).
    .replace(/^  autogates = .*$/m, sqliteCap === 'default' ? '' : '$&')
    .replace(
      '{{PSEA_BINDINGS}}',
      bindings(vars([origin(ports.psea), origin(ports.proxy), origin(ports.host)])),
    )
    .replace('{{DISK_BINDINGS}}', bindings(vars([origin(ports.disk)])))
    // The cpu worker's approve-page step asks for the fixture's origin (psea's): the hosted page
    // refuses to serve where its own origin is not allowed.
    .replace('{{CPU_BINDINGS}}', bindings(vars([origin(ports.cpu), origin(ports.psea)])));
  await writeFile(join(wdDir, 'config.capnp'), config);

  const workerd = start(
    join(root, 'node_modules/workerd/bin/workerd'),
    [
      'serve',
      join(wdDir, 'config.capnp'),
      ...(inspectPort ? [`--inspector-addr=127.0.0.1:${inspectPort}`] : []),
    ],
    { cwd: wdDir },
  );
  try {
    await waitFor(`http://127.0.0.1:${ports.psea}/healthz`, workerd);
    await waitFor(`http://127.0.0.1:${ports.disk}/healthz`, workerd);
    await waitFor(`http://127.0.0.1:${ports.cpu}/healthz`, workerd);
    await waitFor(`http://127.0.0.1:${ports.baseline}/empty`, workerd);
  } catch (err) {
    await workerd.stop();
    throw err;
  }
  return {
    ports,
    origin,
    apiKey,
    signingJwk,
    webhookSecret,
    fixture,
    baselineBodies: assertions.map((a) => JSON.stringify(a)),
    workerd,
    psea: api(`http://127.0.0.1:${ports.psea}`, apiKey, origin(ports.psea)),
    cpu: api(`http://127.0.0.1:${ports.cpu}`, apiKey, origin(ports.cpu)),
  };
}
