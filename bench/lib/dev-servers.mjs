/**
 * The setup the development tools share (profile.mjs, ab-load.mjs, ab-cpu.mjs):
 * build a checkout's bundles unless told not to, then one workerd serving
 * them with its Durable Object storage in a scratch directory (tmpfs where
 * there is one) that is removed when the process exits.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildAll } from './build.mjs';
import { startServers } from './servers.mjs';

export async function devServers({ root, label, build = true, log = () => {}, inspectorPort }) {
  const tmp = join(root, 'bench', '.tmp');
  if (build) await buildAll(root, tmp, log);
  const storageRoot = existsSync('/dev/shm') ? `/dev/shm/psea-${label}-${process.pid}` : join(tmp, `do-storage-${label}`);
  process.on('exit', () => rmSync(storageRoot, { recursive: true, force: true }));
  const { SoftAuthenticator } = await import(pathToFileURL(join(tmp, 'node/soft-auth.mjs')).href);
  const s = await startServers({ root, tmp, storageRoot, SoftAuthenticator, inspectorPort });
  return { s, tmp, SoftAuthenticator };
}
