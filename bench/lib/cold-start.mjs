/**
 * `--only=coldstart`: what a cold isolate pays for the Worker bundle. One
 * workerd process per round serves just that bundle (its Durable Object
 * namespaces included) on a loopback port; the CPU time of all its threads
 * (V8's compile threads too) is read from /proc when its first /healthz
 * answers, minus the same for an empty module in the same round. workerd
 * compiles and evaluates the bundle's top level when it loads the config, so
 * this is the parse and start-up cost every new isolate pays on Cloudflare.
 * `--compare=<bundle>` measures a second bundle (for example main's) in the
 * same rounds, alternating.
 */
import { mkdir, writeFile, copyFile } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { median } from './load.mjs';
import { cpuTimes, freePort, start } from './procs.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function config(port, storage, compatDate) {
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "w", worker = .w), (name = "s", disk = (path = ${JSON.stringify(storage)}, writable = true))],
  sockets = [(name = "w", address = "127.0.0.1:${port}", http = (), service = "w")],
);
const w :Workerd.Worker = (
  modules = [(name = "index.js", esModule = embed "index.js")],
  compatibilityDate = "${compatDate}",
  bindings = [
    (name = "VAULT", durableObjectNamespace = "UserVault"),
    (name = "CREDENTIAL_OWNERS", durableObjectNamespace = "CredentialOwner"),
  ],
  durableObjectNamespaces = [
    (className = "UserVault", uniqueKey = "cold-vault", enableSql = true),
    (className = "CredentialOwner", uniqueKey = "cold-owners", enableSql = true),
  ],
  durableObjectStorage = (localDisk = "s"),
);
`;
}

const EMPTY = `import { DurableObject } from 'cloudflare:workers';
export class UserVault extends DurableObject {}
export class CredentialOwner extends DurableObject {}
export default { fetch: () => new Response('{"ok":true}') };
`;

/** CPU (ms, all threads and main) of one workerd start serving `dir`'s index.js, at its first answer. */
async function oneStart(root, dir, compatDate) {
  const port = await freePort();
  await mkdir(join(dir, 'storage'), { recursive: true });
  await writeFile(join(dir, 'config.capnp'), config(port, join(dir, 'storage'), compatDate));
  const wd = start(
    join(root, 'node_modules/workerd/bin/workerd'),
    ['serve', join(dir, 'config.capnp')],
    { cwd: dir },
  );
  try {
    for (let i = 0; i < 2000; i++) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        await res.arrayBuffer();
        const t = cpuTimes(wd.pid);
        return { totalMs: t.total / 1e6, mainMs: t.main / 1e6 };
      } catch {
        await sleep(5);
      }
    }
    throw new Error(`cold start: no answer from ${dir}\n${wd.log()}`);
  } finally {
    await wd.stop();
  }
}

export async function figureColdStart({ root, tmp, bundle, compare, compatDate, rounds = 7, log }) {
  const variants = { empty: null, bundle, ...(compare ? { compare } : {}) };
  const dirs = {};
  for (const [name, file] of Object.entries(variants)) {
    dirs[name] = join(tmp, 'coldstart', name);
    await mkdir(dirs[name], { recursive: true });
    if (file) await copyFile(file, join(dirs[name], 'index.js'));
    else await writeFile(join(dirs[name], 'index.js'), EMPTY);
  }
  const per = Object.fromEntries(
    Object.keys(variants).map((k) => [k, { totalMs: [], mainMs: [] }]),
  );
  for (let r = 0; r < rounds; r++) {
    for (const name of Object.keys(variants)) {
      const t = await oneStart(root, dirs[name], compatDate);
      per[name].totalMs.push(t.totalMs);
      per[name].mainMs.push(t.mainMs);
    }
  }
  const out = { rounds, bytes: {}, medians: {} };
  for (const [name, v] of Object.entries(per)) {
    out.bytes[name] = statSync(join(dirs[name], 'index.js')).size;
    out.medians[name] = { totalMs: median(v.totalMs), mainMs: median(v.mainMs) };
  }
  for (const name of Object.keys(variants)) {
    if (name === 'empty') continue;
    const m = out.medians[name];
    const e = out.medians.empty;
    log(
      `cold start: ${name} (${(out.bytes[name] / 1024).toFixed(0)} KiB): ${(m.totalMs - e.totalMs).toFixed(1)} ms CPU all threads, ${(m.mainMs - e.mainMs).toFixed(1)} ms main thread, over an empty module's start (${e.totalMs.toFixed(1)} ms)`,
    );
  }
  return out;
}
