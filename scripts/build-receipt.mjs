// Builds the runtime-agnostic libraries into dist/ so that
// `import { verifyReceipt } from 'psea/receipt'` and
// `import { verifyOfflineProof } from 'psea/offline'` and
// `import { PseaClient } from 'psea/client'` work in plain Node too.
// Their dependencies stay external: the consumer's copies are used.
import { build } from 'esbuild';

const LIBRARIES = [
  { name: 'receipt', external: ['jose', 'canonicalize'] },
  // The offline verifier reuses the Worker's WebAuthn checks, which parse with @simplewebauthn/server's helpers.
  { name: 'offline', external: ['jose', 'canonicalize', '@simplewebauthn/server', '@simplewebauthn/server/helpers'] },
  // The typed client: fetch and timers, and standardwebhooks for verifyWebhook.
  { name: 'client', external: ['standardwebhooks'] },
];

for (const { name, external } of LIBRARIES) {
  await build({
    entryPoints: [`worker/${name}/index.ts`],
    outfile: `dist/${name}/index.js`,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    external,
    logLevel: 'warning',
  });
  console.log(`dist/${name}/index.js built`);
}
