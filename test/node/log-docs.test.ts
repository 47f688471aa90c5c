/**
 * The auditor's script in docs/evidence.md (between its audit markers) runs
 * as the page says, on the log verifier bundled as the page says, and throws
 * when its checkpoints or proofs are bent: the example stays true.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
let dir = '';
let script = '';

beforeAll(async () => {
  const page = await readFile(new URL('../../docs/evidence.md', import.meta.url), 'utf8');
  script = /<!-- audit:start -->\s*```js\n([\s\S]*?)```\s*<!-- audit:end -->/.exec(page)?.[1] ?? '';
  dir = await mkdtemp(join(tmpdir(), 'psea-audit-'));
  // The command the page gives: npx esbuild packages/psea/src/log/index.ts --bundle --format=esm --platform=node
  await build({
    entryPoints: [new URL('../../packages/psea/src/log/index.ts', import.meta.url).pathname],
    outfile: join(dir, 'psea-log.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    logLevel: 'warning',
  });
});

afterAll(() => rm(dir, { recursive: true, force: true }));

async function audit(text: string): Promise<{ ok: boolean; out: string }> {
  const file = join(dir, `audit-${Math.random().toString(36).slice(2)}.mjs`);
  await writeFile(file, text);
  try {
    const { stdout } = await run(process.execPath, [file], { cwd: dir });
    return { ok: true, out: stdout };
  } catch (err) {
    return { ok: false, out: String((err as { stderr?: string }).stderr) };
  }
}

describe("docs/evidence.md, the auditor's view", () => {
  it('runs and reports a log that only grew, and an entry in it', async () => {
    expect(script).toContain('verifyConsistency');
    const { ok, out } = await audit(script);
    expect(out).toContain('the log of user-1 grew from 2 to 5 entries; nothing before was changed');
    expect(out).toContain('entry 1 (approved, receipt Zk9zX1c2bXJ4cFF0dkJ3Rw) is in it');
    expect(ok).toBe(true);
  });

  it('throws on a bent consistency proof, a bent checkpoint, another user, or another key', async () => {
    const proof = /proof: \['([A-Za-z0-9+/]{43}=)'/.exec(script)![1]!;
    const bent = [
      [script.replace(proof, `${proof[0] === 'A' ? 'B' : 'A'}${proof.slice(1)}`), 'proof_invalid'],
      [script.replace('\\n5\\n', '\\n6\\n'), 'signature_invalid'],
      [script.replace("const userId = 'user-1'", "const userId = 'user-2'"), 'invalid_checkpoint'],
      [
        script.replace(
          /const LOG_KEY = '[^']+'/,
          "const LOG_KEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'",
        ),
        'unverified_note',
      ],
    ] as const;
    for (const [text, code] of bent) {
      expect(text).not.toBe(script);
      const { ok, out } = await audit(text);
      expect(ok, code).toBe(false);
      expect(out).toContain(code);
    }
  });
});
