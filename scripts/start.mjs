#!/usr/bin/env node
// npm start [-- --port N] (or PORT=N npm start): first run writes .dev.vars (random API key,
// fresh ES256 key set, a log key, demo on); every run points its ALLOWED_ORIGINS and ISSUER at
// http://localhost:N, builds the widget, prints a curl walk-through and runs `wrangler dev`.
// SIGINT or SIGTERM stops wrangler and the workerd it started (no orphan holds the port).
// PSEA_DEV_VARS=path keeps the variables elsewhere than ./.dev.vars (the tests use it).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureDevVars, followOrigin } from './dev-secrets.mjs';
import { descendants, splitPort } from './start-process.mjs';

const { port, rest } = splitPort(process.argv.slice(2), process.env.PORT);
if (port === undefined) {
  console.error(
    'npm start: the port must be a whole number from 1 to 65535 (npm start -- --port 8788)',
  );
  process.exit(2);
}
const PORT = port;
const ORIGIN = `http://localhost:${PORT}`;
const DEV_VARS = process.env.PSEA_DEV_VARS || '.dev.vars';

ensureDevVars(DEV_VARS, ORIGIN);
const vars = followOrigin(DEV_VARS, ORIGIN);
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

// wrangler's own entry, run by this Node: no npx in between to swallow the signal.
const WRANGLER = fileURLToPath(
  new URL('../node_modules/wrangler/bin/wrangler.js', import.meta.url),
);
const envFile = DEV_VARS === '.dev.vars' ? [] : ['--env-file', DEV_VARS];
const [cmd, args] = existsSync(WRANGLER) ? [process.execPath, [WRANGLER]] : ['npx', ['wrangler']];
// The development entry: the app with the demo bank (production's main, worker/index.ts, has none).
const child = spawn(
  cmd,
  [...args, 'dev', 'demo/index.ts', '--port', String(PORT), ...envFile, ...rest],
  {
    stdio: 'inherit',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  },
);

/** The processes below this one when a stop began: wrangler, and the workerd it runs. */
let started;
const killAll = () => {
  for (const pid of started ?? []) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
};
/** Ask wrangler to stop; whatever it started and leaves behind is killed once it exits, or in 5 s. */
function stop(signal) {
  if (started) return;
  started = descendants(process.pid);
  child.kill(signal);
  setTimeout(killAll, 5000).unref();
}
process.on('SIGINT', () => stop('SIGINT'));
// `npm start` runs this under `sh -c`, and on SIGTERM npm and sh exit without passing it on:
// a parent gone (this process handed to another) is the signal to stop too.
const parent = process.ppid;
setInterval(() => process.ppid !== parent && stop('SIGTERM'), 500).unref();
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGHUP', () => stop('SIGTERM'));
child.on('exit', (code, signal) => {
  killAll();
  process.exit(code ?? (signal ? 0 : 1));
});
