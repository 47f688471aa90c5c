import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { PSEA_SUBPATHS } from './test/e2e/psea-subpaths.ts';
// @ts-expect-error: a plain .mjs module of the repository's scripts, without types
import { newLogSigningKey } from './scripts/dev-secrets.mjs';

/** Fresh secrets for every run: tests never depend on a checked-in key. */
function testSecrets() {
  const es256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
    format: 'jwk',
  });
  const ed = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  return {
    API_KEYS: `${randomBytes(24).toString('base64url')},${randomBytes(24).toString('base64url')}`,
    RECEIPT_SIGNING_KEYS: JSON.stringify({
      keys: [
        { ...es256, kid: 'test-es256', alg: 'ES256' },
        { ...ed, alg: 'EdDSA' },
      ],
    }),
    WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
    // The log key, named as npm start names it for the tests' origin.
    LOG_SIGNING_KEY: newLogSigningKey('localhost:8787/psea') as string,
  };
}

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: {
                ...testSecrets(),
                ALLOWED_ORIGINS: 'http://localhost:8787,https://app.example.com',
                TICKET_TTL_SECONDS: '300',
                // Webhook receivers of the worker tests: fetch is stood in for (test/worker/webhooks.test.ts).
                CALLBACK_ORIGINS: 'https://hooks.example.test',
                // A developer's .dev.vars (npm start writes DEMO=true) must not reach the tests.
                DEMO: 'false',
              },
            },
          }),
        ],
        test: { name: 'worker', include: ['test/worker/**/*.test.ts'], testTimeout: 20_000 },
      },
      {
        test: { name: 'node', include: ['test/node/**/*.test.ts'], environment: 'node' },
      },
      {
        // The packed library installed into an empty project (npm pack, npm install, tsc, publint, attw).
        test: {
          name: 'package',
          include: ['test/package/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
      {
        resolve: { alias: PSEA_SUBPATHS },
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
