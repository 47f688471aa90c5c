// Builds the runtime-agnostic receipt library into dist/receipt/ so that
// `import { verifyReceipt } from 'psea/receipt'` works in plain Node too.
// jose and canonicalize stay external: the consumer's copies are used.
import { build } from 'esbuild';

await build({
  entryPoints: ['worker/receipt/index.ts'],
  outfile: 'dist/receipt/index.js',
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  external: ['jose', 'canonicalize'],
  logLevel: 'warning',
});
console.log('dist/receipt/index.js built');
