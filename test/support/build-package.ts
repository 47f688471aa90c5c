/**
 * Build the `psea` package (packages/psea/dist) as `npm run build -w psea`
 * does, for tests that run its built output (the CLI, the offline bundle),
 * so a lone test file passes from a clean checkout too.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = new URL('../..', import.meta.url).pathname;

/** The repository root, for `cwd`. */
export const REPO_ROOT = root;

export async function buildPackage(): Promise<void> {
  await run('npm', ['run', 'build', '-w', 'psea', '--silent'], { cwd: root, maxBuffer: 16 << 20 });
}
