#!/usr/bin/env node
// npm start: first run writes .dev.vars (random API key, fresh ES256 key set,
// a log key, demo on), builds the widget, prints a curl walk-through and runs
// `wrangler dev`. An older .dev.vars without a log key gets one added.
import { spawn, spawnSync } from 'node:child_process';
import { ensureDevVars } from './dev-secrets.mjs';

const PORT = Number(process.env.PORT ?? 8787);
const ORIGIN = `http://localhost:${PORT}`;
const DEV_VARS = '.dev.vars';

const vars = ensureDevVars(DEV_VARS, ORIGIN);
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
  # Public keys for verifying receipts anywhere, and the log key to pin for evidence
  curl -s ${ORIGIN}/.well-known/jwks.json
  curl -s ${ORIGIN}/.well-known/psea-log-key
  # 4. Evidence of an approval that needs no trust in the service (check it with npx psea verify)
  curl -s ${ORIGIN}/v1/actions/<ticket>/evidence -H "authorization: Bearer $K"
`);

const child = spawn('npx', ['wrangler', 'dev', '--port', String(PORT), ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
});
const stop = () => child.kill('SIGINT');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
child.on('exit', (code) => process.exit(code ?? 0));
