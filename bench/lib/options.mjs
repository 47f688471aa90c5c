/**
 * run.mjs's command line (its header documents each flag): which figures,
 * how many of everything, and where the Durable Objects' SQLite files live.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { countsFor } from './counts.mjs';

/**
 * @param {string[]} argv the flags
 * @param {string} tmp bench/.tmp
 */
export function runOptions(argv, tmp) {
  const flags = new Set(argv);
  const QUICK = flags.has('--quick');
  const CPU_ONLY = flags.has('--cpu-only');
  const ONLY = [...flags].find((f) => f.startsWith('--only='))?.slice(7);
  if (
    ONLY !== undefined &&
    !['agents', 'batches', 'memory', 'cap', 'profile', 'coldstart', 'quorum'].includes(ONLY)
  ) {
    throw new Error(`--only=${ONLY}: agents, batches, memory, cap, profile, coldstart or quorum`);
  }
  /** Figure 10's target: vaults enrolled into one workerd (`--vaults=N`, default 10,000). */
  const VAULTS = Number(
    [...flags].find((f) => f.startsWith('--vaults='))?.slice(9) ?? (QUICK ? 300 : 10_000),
  );
  /**
   * Where the Durable Objects' SQLite files live for the main figures: `tmpfs`
   * (/dev/shm, the default when it exists: a commit costs what SQLite and the
   * runtime do, not this VM's fsync) or `disk` (bench/.tmp). A reference row
   * always measures the bundle with its files on disk as well.
   */
  const STORAGE =
    [...flags].find((f) => f.startsWith('--storage='))?.slice(10) ??
    (existsSync('/dev/shm') ? 'tmpfs' : 'disk');
  const storageRoot =
    STORAGE === 'tmpfs' ? `/dev/shm/psea-bench-${process.pid}` : join(tmp, 'do-storage');
  return { flags, QUICK, CPU_ONLY, ONLY, VAULTS, STORAGE, storageRoot, N: countsFor(QUICK) };
}
