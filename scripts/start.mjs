#!/usr/bin/env node
// npm start: first run writes .dev.vars (random API key, fresh ES256 key set,
// demo on), builds the widget, prints a curl walk-through and runs `wrangler dev`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { newApiKey, newSigningKeySet, toDotenv } from './dev-secrets.mjs';

const PORT = Number(process.env.PORT ?? 8787);
const ORIGIN = `http://localhost:${PORT}`;
const DEV_VARS = '.dev.vars';
// The demo bank's offline switch needs a rule that takes offline proofs of its transfer (docs/offline.md).
const DEMO_POLICY = JSON.stringify({ rules: [{ id: 'demo-transfer', match: { type: 'wire.transfer' }, offline: true }, { id: 'default' }] });

if (!existsSync(DEV_VARS)) {
  writeFileSync(
    DEV_VARS,
    toDotenv({ API_KEYS: newApiKey(), RECEIPT_SIGNING_KEYS: newSigningKeySet(), ALLOWED_ORIGINS: ORIGIN, DEMO: 'true', POLICY: DEMO_POLICY }),
    { mode: 0o600 },
  );
  console.log(`Wrote ${DEV_VARS} with a new API key and signing key (kept out of git).`);
}

const vars = Object.fromEntries(
  readFileSync(DEV_VARS, 'utf8')
    .split('\n')
    .map((line) => /^([A-Z_]+)=['"]?(.*?)['"]?$/.exec(line.trim()))
    .filter(Boolean)
    .map((m) => [m[1], m[2]]),
);
const apiKey = (vars.API_KEYS ?? '').split(',')[0];

const build = spawnSync(process.execPath, ['scripts/build-widget.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

console.log(`
PSEA is starting on ${ORIGIN}
  Demo bank:  ${ORIGIN}/        (enroll a passkey, approve a transfer, see the receipt)
  API key:    ${apiKey}

Walk-through with curl (the passkey steps happen in a browser):
  K='${apiKey}'
  # 1. Enrollment ticket for a user; open enrollUrl in a browser to create the passkey
  curl -s -X POST ${ORIGIN}/v1/enrollments -H "authorization: Bearer $K" -H 'content-type: application/json' \\
    -d '{"user":{"id":"u-123","name":"ada@example.com","displayName":"Ada"}}'
  # 2. Ask for approval of one exact action; open approveUrl to approve it with the passkey
  curl -s -X POST ${ORIGIN}/v1/actions -H "authorization: Bearer $K" -H 'content-type: application/json' \\
    -d '{"user":{"id":"u-123"},"action":{"type":"wire.transfer","amount":"1250.00","currency":"EUR","to":"DE89..."},"audience":"payments-api"}'
  # 3. Poll for the receipt, then redeem it once
  curl -s ${ORIGIN}/v1/actions/<ticket>/status -H "authorization: Bearer $K"
  curl -s -X POST ${ORIGIN}/v1/receipts/redeem -H "authorization: Bearer $K" -H 'content-type: application/json' \\
    -d '{"receipt":"<jwt>","audience":"payments-api"}'
  # Public keys for verifying receipts anywhere
  curl -s ${ORIGIN}/.well-known/jwks.json
`);

const child = spawn('npx', ['wrangler', 'dev', '--port', String(PORT), ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
});
const stop = () => child.kill('SIGINT');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
child.on('exit', (code) => process.exit(code ?? 0));
