/**
 * A run's lifetime: the processes it starts are stopped, and the tmpfs
 * SQLite files removed, when it ends, on a signal, or past the hard limit.
 */
import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';

const HARD_LIMIT_MS = 10 * 60 * 1000;

/**
 * Arms the hard limit and the signal and exit hooks. `procs` takes each
 * process the run starts; `cleanup` stops them all; `limit` is the timer,
 * cleared at the end of the run.
 * @param {string} STORAGE `tmpfs` or `disk`
 * @param {string} storageRoot
 */
export function runLifetime(STORAGE, storageRoot) {
  const procs = [];
  const stopAll = () => Promise.all(procs.map((p) => p.stop()));
  const cleanup = async () => {
    await stopAll();
    if (STORAGE === 'tmpfs') await rm(storageRoot, { recursive: true, force: true });
  };
  const limit = setTimeout(async () => {
    console.error(`bench: over the ${HARD_LIMIT_MS / 60000} min limit, stopping`);
    await cleanup();
    process.exit(2);
  }, HARD_LIMIT_MS);
  limit.unref();
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'])
    process.on(sig, async () => {
      await cleanup();
      process.exit(130);
    });
  // A closed stdout (say, `| head`) must not leave workerd running: the exit hook of lib/procs.mjs ends it.
  process.on(
    'exit',
    () => STORAGE === 'tmpfs' && rmSync(storageRoot, { recursive: true, force: true }),
  );
  process.stdout.on('error', () => process.exit(1));
  return { procs, cleanup, limit };
}
