/** Figure 5: dist/widget.js as built by scripts/build-widget.mjs, raw, gzip -9 and brotli (quality 11). */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export async function widgetSize(root) {
  const js = await readFile(join(root, 'dist/widget.js'));
  return {
    raw: js.length,
    gzip: gzipSync(js, { level: 9 }).length,
    brotli: brotliCompressSync(js, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: js.length,
      },
    }).length,
    budgetGzip: 15 * 1024,
  };
}
