/**
 * The Worker bundle stays small (docs/performance.md, issue 26): zod is
 * imported as a namespace, `import * as z from 'zod'`, so esbuild keeps only
 * what the schemas use. `import { z } from 'zod'` (or the default import)
 * binds zod's whole namespace object, its 40 locales included: 0.36 MiB more
 * in every cold isolate. And wrangler minifies the bundle, names kept.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(root, dir), { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory() && e.name !== 'generated') out.push(...(await sources(path)));
    else if (/\.ts$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

describe('the Worker bundle', () => {
  it('imports zod only as a namespace (or its types)', async () => {
    const offenders: string[] = [];
    for (const dir of ['worker', 'packages/psea/src']) {
      for (const file of await sources(dir)) {
        const text = await readFile(join(root, file), 'utf8');
        for (const m of text.matchAll(
          /^import\s+(?!type\b)([^;]*?)\s+from\s+'zod(?:\/[^']*)?';/gm,
        )) {
          if (!/^\*\s+as\s+\w+$/.test(m[1]!.trim())) offenders.push(`${file}: ${m[0]}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('is minified by wrangler', async () => {
    const toml = await readFile(join(root, 'wrangler.toml'), 'utf8');
    expect(toml).toMatch(/^minify = true$/m);
    expect(toml).not.toMatch(/^keep_names = false$/m);
  });
});
