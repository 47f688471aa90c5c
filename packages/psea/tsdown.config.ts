import { defineConfig } from 'tsdown';

/**
 * One build for every subpath: ES modules and `.d.ts` side by side in dist/,
 * code shared between subpaths split into chunks, so each class (ReceiptError
 * above all) exists once and `instanceof` holds whichever subpath threw.
 * Dependencies stay external: the consumer's copies are used.
 */
export default defineConfig({
  entry: {
    receipt: 'src/receipt/index.ts',
    evidence: 'src/evidence/index.ts',
    offline: 'src/offline/index.ts',
    client: 'src/client/index.ts',
    widget: 'src/widget/index.ts',
  },
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  dts: true,
  clean: true,
  outDir: 'dist',
  tsconfig: 'tsconfig.json',
  // The widget's parts loaded on demand: in psea/widget, unversioned paths on the element's
  // endpoint (the service serves both forms); widget.js gets versioned ones (build-widget.mjs).
  define: {
    PSEA_OFFLINE_PATH: JSON.stringify('/pages/offline.js'),
    PSEA_QUORUM_PATH: JSON.stringify('/pages/quorum.js'),
    PSEA_BATCH_PATH: JSON.stringify('/pages/batch.js'),
  },
});
