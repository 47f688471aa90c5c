#!/usr/bin/env node
/**
 * Builds widget.js (one minified ES module: Lit + the SimpleWebAuthn browser
 * helpers + both elements) and the small scripts and stylesheet of the hosted
 * pages and the demo, then writes them into worker/generated/widget.ts as
 * strings, so the Worker serves them with no asset binding.
 *
 *   dist/widget.js               the bundle, for inspection and size checks
 *   worker/generated/widget.ts   WIDGET_JS, WIDGET_ETAG, ASSETS
 *
 * Runs before `wrangler dev`/`wrangler deploy` ([build] in wrangler.toml) and
 * before `npm test`/`npm start`. Fails when widget.js is over budget.
 */
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// 15 KB until v3's quorum: its glue in widget.js (the rest loads on demand as /pages/quorum.js) needs ~0.1 KB more.
const BUDGET_GZIP = 15 * 1024;

/** Bundle one entry point to a string. */
async function bundle(entry, extra = {}) {
  const out = await build({
    entryPoints: [join(root, entry)],
    bundle: true,
    write: false,
    format: 'esm',
    minify: true,
    target: 'es2022',
    platform: 'browser',
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'warning',
    ...extra,
  });
  return out.outputFiles[0].text;
}

/**
 * Lit keeps css`` literals as written; squeeze their whitespace (about 1 KB
 * of the gzip budget). Only the styles files, which hold no `${}`.
 */
const minifyLitCss = {
  name: 'minify-lit-css',
  setup(b) {
    b.onLoad({ filter: /\.styles\.ts$/ }, async (args) => {
      const { readFile } = await import('node:fs/promises');
      const source = await readFile(args.path, 'utf8');
      const contents = source.replace(
        /css`([^`]*)`/g,
        (_, body) =>
          'css`' +
          body
            .replace(/\/\*[^]*?\*\//g, '')
            .replace(/\s+/g, ' ')
            .replace(/\s*([{};:,>])\s*/g, '$1')
            .replace(/;}/g, '}')
            .trim() +
          '`',
      );
      return { contents, loader: 'ts' };
    });
  },
};

/**
 * The SimpleWebAuthn browser helpers put an English message in every
 * WebAuthnError they make; the widget reads only `code` and `name`
 * (widget/base.ts) and shows its own text, so those strings are dead weight
 * (about 0.7 KB of the gzip budget). Only literal messages go: a message
 * passed through from the platform's error stays.
 */
const dropLibraryMessages = {
  name: 'drop-library-messages',
  setup(b) {
    b.onLoad({ filter: /@simplewebauthn[\\/]browser[\\/].*\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const contents = source
        .replace(/message: (?:'[^'\n]*'|`[^`]*`)/g, "message: ''")
        .replace(/console\.warn\((?:'[^'\n]*'|`[^`]*`)/g, "console.warn('@simplewebauthn/browser'");
      return { contents, loader: 'js' };
    });
  },
};

/** Write only on change: wrangler watches these files, and a rewrite would restart it. */
async function update(path, text) {
  if ((await readFile(path, 'utf8').catch(() => null)) === text) return;
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

const hash = (text) => createHash('sha256').update(text).digest('base64url').slice(0, 16);

// The offline part first: widget.js names it by its hash (widget/psea-approve.ts loads it on demand).
const offline = await bundle('widget/offline/engine.ts', {
  tsconfig: join(root, 'widget/tsconfig.json'),
});
// Likewise the batch part (widget/batch/load.ts): drawn and checked only when a ticket is a batch's.
const batchPart = await bundle('widget/batch/engine.ts', {
  tsconfig: join(root, 'widget/tsconfig.json'),
});
// The quorum part likewise (widget/quorum/load.ts).
const quorum = await bundle('widget/quorum/engine.ts', {
  tsconfig: join(root, 'widget/tsconfig.json'),
});
const widget = await bundle('widget/index.ts', {
  tsconfig: join(root, 'widget/tsconfig.json'),
  plugins: [minifyLitCss, dropLibraryMessages],
  define: {
    PSEA_OFFLINE_PATH: JSON.stringify(`/pages/offline.js?v=${hash(offline)}`),
    PSEA_BATCH_PATH: JSON.stringify(`/pages/batch.js?v=${hash(batchPart)}`),
    PSEA_QUORUM_PATH: JSON.stringify(`/pages/quorum.js?v=${hash(quorum)}`),
  },
});
const assets = {
  '/pages/offline.js': { body: offline, type: 'text/javascript; charset=utf-8' },
  '/pages/batch.js': { body: batchPart, type: 'text/javascript; charset=utf-8' },
  '/pages/quorum.js': { body: quorum, type: 'text/javascript; charset=utf-8' },
  '/pages/hosted.js': {
    body: await bundle('widget/pages/hosted.ts'),
    type: 'text/javascript; charset=utf-8',
  },
  '/demo/app.js': { body: await bundle('demo/app.ts'), type: 'text/javascript; charset=utf-8' },
  '/pages/pages.css': {
    body: await bundle('worker/pages/pages.css', { format: undefined }),
    type: 'text/css; charset=utf-8',
  },
};
for (const a of Object.values(assets)) a.etag = hash(a.body);

await update(join(root, 'dist/widget.js'), widget);
await update(
  join(root, 'worker/generated/widget.ts'),
  `// Generated by scripts/build-widget.mjs. Do not edit; gitignored.\n` +
    `/** widget.js: one ES module defining <psea-enroll> and <psea-approve>. */\n` +
    `export const WIDGET_JS: string = ${JSON.stringify(widget)};\n` +
    `/** Short SHA-256 of WIDGET_JS (base64url): the ETag, and the \`?v=\` of pages that load it. */\n` +
    `export const WIDGET_ETAG: string = ${JSON.stringify(hash(widget))};\n` +
    `/** Scripts and styles of the hosted pages and the demo, by path. */\n` +
    `export const ASSETS: Record<string, { body: string; type: string; etag: string }> = ${JSON.stringify(assets, null, 1)};\n`,
);

const raw = Buffer.byteLength(widget);
const gz = gzipSync(widget, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(
  `widget.js ${kb(raw)} raw, ${kb(gz)} gzipped (budget ${kb(BUDGET_GZIP)}), etag ${hash(widget)}`,
);
for (const [path, a] of Object.entries(assets))
  console.log(`${path} ${kb(Buffer.byteLength(a.body))} raw`);
if (gz > BUDGET_GZIP) {
  console.error(`widget.js is over its ${kb(BUDGET_GZIP)} gzip budget`);
  process.exit(1);
}
