// Builds the runtime-agnostic evidence verifier into dist/evidence/ for
// `import { verifyEvidence } from 'psea/evidence'` and the `psea` command.
// Its dependencies stay external: the consumer's copies are used.
import { build } from 'esbuild';

await build({
  entryPoints: ['worker/evidence/index.ts'],
  outfile: 'dist/evidence/index.js',
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  external: ['jose', 'canonicalize', '@simplewebauthn/server', '@simplewebauthn/server/helpers', '@levischuck/tiny-cbor', '@peculiar/*'],
  logLevel: 'warning',
});
console.log('dist/evidence/index.js built');
