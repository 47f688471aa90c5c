/**
 * The single-figure runs of `node bench/run.mjs --only=…` (its header lists
 * them): each printed, none written to results.json or docs/performance.md.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { figureColdStart } from './cold-start.mjs';
import { figureMemory, objectsAtCap, approvedVaultAtCap } from './memory-figure.mjs';
import { enrollUser, pool } from './prep.mjs';
import { figureProfile } from './profile-figure.mjs';
import { figureQuorum } from './quorum-figure.mjs';
import { report } from './report.mjs';

/** `--only=coldstart [--compare=<bundle>]`: a cold isolate's start-up CPU, no servers up. */
export async function coldStartOnly(results, { root, tmp, flags, quick, log }) {
  const compare = [...flags].find((f) => f.startsWith('--compare='))?.slice(10);
  const compatDate =
    /compatibility_date\s*=\s*"([^"]+)"/.exec(
      readFileSync(join(root, 'wrangler.toml'), 'utf8'),
    )?.[1] ?? '2026-04-26';
  results.figures.coldStart = await figureColdStart({
    root,
    tmp,
    bundle: join(tmp, 'bundle/index.js'),
    compare,
    compatDate,
    rounds: quick ? 3 : 9,
    log,
  });
}

/**
 * The `--only=` figures that need the servers up (quorum, batches, profile,
 * cap, memory, agents) on the workerd run.mjs started; `agents` and `batches`
 * are run.mjs's runners of figures 8 and 9. Returns whether `only` named one
 * of them (the run ends there).
 */
export async function onlyFigure(only, results, ctx) {
  const { psea, cpuApi, SoftAuthenticator, workerd, inspectPort, agents, batches } = ctx;
  const pid = workerd.pid;
  const { root, tmp, flags, storageDir, vaults, quick, began, log } = ctx;
  if (only === 'quorum') {
    // Issue 24's figure, printed only (not yet a row of docs/performance.md's table).
    await figureQuorum({
      psea,
      SoftAuthenticator,
      enrollUser,
      pid,
      quick,
      log,
    });
    return true;
  }
  if (only === 'batches') {
    results.figures.batches = await batches();
    console.log(JSON.stringify(results.figures.batches, null, 1));
    return true;
  }
  if (only === 'profile') {
    const cpuUsers = await pool(
      Array.from({ length: 24 }, (_, i) => `cpu-user-${i}`),
      4,
      (id) => enrollUser(cpuApi, SoftAuthenticator, id),
    );
    results.figures.profile = await figureProfile({
      cpuApi,
      cpuUsers,
      inspectPort,
      sourceMap: join(tmp, 'cpu/index.js.map'),
      n: quick ? 100 : 300,
      log,
    });
    return true;
  }
  if (only === 'cap') {
    const kinds = [...flags]
      .find((f) => f.startsWith('--kinds='))
      ?.slice(8)
      .split(',');
    const cap = await objectsAtCap({ cpuApi, kinds: kinds ?? ['owner', 'vault'], log });
    results.figures.cap = {
      ...cap,
      approved: await approvedVaultAtCap({ cpuApi, freshKiB: cap.vault.kibPerObject, log }),
    };
    return true;
  }
  if (only === 'memory') {
    results.figures.memory = await figureMemory({
      psea,
      SoftAuthenticator,
      enrollUser,
      pid,
      storageDir,
      target: vaults,
      log,
    });
    console.log(JSON.stringify(results.figures.memory, null, 1));
    return true;
  }
  if (only === 'agents') {
    results.figures.agents = await agents();
    results.machine.seconds = Math.round((Date.now() - began) / 1000);
    await report(root, results, { write: false, log });
    return true;
  }
  return false;
}
