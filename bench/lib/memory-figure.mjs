/**
 * Figure 10 (issue 26): how many vaults one local workerd holds, and one vault's memory.
 *
 * - **Vaults held.** Users are enrolled through the real routes (8 at a time) until
 *   `target`, or until the first answer that is not 2xx (before v3: a 503 whose log says
 *   `SQLITE_NOMEM` near 900). workerd's RSS is sampled at each tenth of the way, and
 *   the objects open at that moment counted from the SQLite files touched in the last
 *   10 s (an object idle for 10 s is evicted, its database closed).
 * - **One vault.** For a few users: workerd's RSS with their vaults idle (evicted and
 *   started again by one status read), after 100 approvals each, and with their in-memory
 *   caches full (32 pending tickets each, the most PendingActions holds). workerd has no
 *   per-object memory counter and SQLite's own counter is not reachable from a Worker,
 *   so a vault's footprint is the RSS difference divided by the users: an upper bound
 *   that counts V8, SQLite and the runtime's buffers together.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { rssBytes } from './agents-figure.mjs';
import { pool, prepareTickets } from './prep.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const mib = (b) => b / 2 ** 20;

/** SQLite files under `dir` modified in the last `ms`: the objects that wrote recently. */
function recentlyWritten(dir, ms) {
  const since = Date.now() - ms;
  let n = 0;
  for (const sub of readdirSync(dir, { withFileTypes: true })) {
    if (!sub.isDirectory()) continue;
    for (const f of readdirSync(join(dir, sub.name))) {
      if (f.endsWith('.sqlite') && statSync(join(dir, sub.name, f)).mtimeMs >= since) n++;
    }
  }
  return n;
}

export async function figureMemory({
  psea,
  SoftAuthenticator,
  enrollUser,
  pid,
  storageDir,
  target,
  vaultUsers = 10,
  approvals = 100,
  log,
}) {
  // ---- one vault: idle, after approvals, caches full ----
  const few = await pool(
    Array.from({ length: vaultUsers }, (_, i) => `mem-user-${i}`),
    4,
    (id) => enrollUser(psea, SoftAuthenticator, id),
  );
  const touch = () =>
    pool(few, 4, (u) =>
      psea
        .must(200, `/v1/users/${encodeURIComponent(u.id)}/credentials`, { server: true })
        .catch(() => undefined),
    );
  await sleep(12_000); // evicted
  const rssEmpty = rssBytes(pid);
  await touch();
  const rssIdle = rssBytes(pid);
  const tickets = await prepareTickets(psea, few, vaultUsers * approvals, 8);
  // Each user's approvals in ticket order, so its authenticator's counter only grows.
  await pool(few, 8, async (u) => {
    for (const t of tickets.filter((x) => x.user === u.id))
      await psea.must(200, `/v1/actions/${t.ticket}/verify`, { method: 'POST', body: t.body });
  });
  const rssApproved = rssBytes(pid);
  await prepareTickets(psea, few, vaultUsers * 32, 8);
  const rssFull = rssBytes(pid);
  const perVault = (a, b) => (b - a) / vaultUsers;
  const vault = {
    users: vaultUsers,
    approvalsEach: approvals,
    idleKiB: perVault(rssEmpty, rssIdle) / 1024,
    approvedKiB: perVault(rssEmpty, rssApproved) / 1024,
    cachesFullKiB: perVault(rssEmpty, rssFull) / 1024,
  };
  log(
    `figure 10: one vault's RSS share: ${vault.idleKiB.toFixed(0)} KiB started idle, ${vault.approvedKiB.toFixed(0)} KiB after ${approvals} approvals, ${vault.cachesFullKiB.toFixed(0)} KiB with its caches full`,
  );

  // ---- vaults held: enroll until target or the first failure ----
  const samples = [];
  const step = Math.max(1, Math.ceil(target / 10));
  let enrolled = 0;
  let failure;
  const rss0 = rssBytes(pid);
  const began = Date.now();
  while (enrolled < target && !failure) {
    const ids = Array.from(
      { length: Math.min(step, target - enrolled) },
      (_, i) => `mem-${String(enrolled + i).padStart(6, '0')}`,
    );
    const results = await pool(ids, 8, (id) =>
      enrollUser(psea, SoftAuthenticator, id).then(
        () => true,
        (err) => err,
      ),
    );
    const bad = results.find((r) => r !== true);
    enrolled += results.filter((r) => r === true).length;
    if (bad) failure = String(bad?.message ?? bad).slice(0, 300);
    samples.push({
      enrolled,
      rssMiB: mib(rssBytes(pid)),
      openRecently: recentlyWritten(storageDir, 10_000),
      seconds: (Date.now() - began) / 1000,
    });
    log(
      `figure 10: ${enrolled} vaults enrolled, workerd RSS ${samples.at(-1).rssMiB.toFixed(0)} MiB, ${samples.at(-1).openRecently} SQLite files written in the last 10 s${failure ? `; FAILED: ${failure}` : ''}`,
    );
  }
  return { vault, target, enrolled, failure, rssStartMiB: mib(rss0), samples };
}

/**
 * Objects one workerd opens before SQLite's process-wide heap cap (512 MiB,
 * workerd's default: run with `sqliteCap: 'default'`) refuses the next: per
 * kind, objects started 16 at a time through the cpu worker's
 * `/__bench/open`, each its own name, until the first failure; then 12 s for
 * every one of them to be evicted. The cap over that count is one object's
 * SQLite heap: `owner` a CredentialOwner, `vault` a vault just migrated,
 * `vault-100` a vault holding 100 approvals' rows (tickets, log, evidence).
 */
export async function objectsAtCap({
  cpuApi,
  kinds = ['owner', 'vault', 'vault-100'],
  max = 20_000,
  capMiB = 512,
  log,
}) {
  const out = {};
  for (const kind of kinds) {
    let opened = 0;
    let failure;
    const began = Date.now();
    const next = { i: 0 };
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (!failure && next.i < max) {
          const i = next.i++;
          // workerd may end the process when SQLite fails inside a commit: that is a failure too.
          const r = await cpuApi
            .call(`/__bench/open?kind=${kind}&name=cap-${kind}-${i}`, { method: 'POST' })
            .catch((err) => ({ status: 0, data: String(err?.cause?.code ?? err) }));
          if (r.status === 200) opened++;
          else failure ??= `${r.status} ${JSON.stringify(r.data).slice(0, 200)}`;
        }
      }),
    );
    const seconds = (Date.now() - began) / 1000;
    out[kind] = {
      opened,
      failure,
      seconds,
      kibPerObject: failure ? (capMiB * 1024) / opened : undefined,
    };
    log(
      `figure 10: ${kind}: ${opened} objects open in ${seconds.toFixed(1)} s${failure ? `, then ${failure}: ≈ ${((capMiB * 1024) / opened).toFixed(0)} KiB of SQLite heap each` : ' (no failure)'}`,
    );
    if (failure?.startsWith('0 ')) break; // workerd is gone
    await sleep(12_000);
  }
  return out;
}

/**
 * One vault's SQLite heap after 100 approvals, against the same cap: `k`
 * vaults given 100 approvals' rows each (`vault-100`), then at once (inside
 * the 10 s before the first is evicted) fresh vaults until the cap refuses
 * one. Their heap: (cap − fresh vaults × a fresh vault's heap) / k.
 */
export async function approvedVaultAtCap({ cpuApi, k = 400, freshKiB, capMiB = 512, log }) {
  const open = (kind, i) =>
    cpuApi
      .call(`/__bench/open?kind=${kind}&name=mix-${kind}-${i}`, { method: 'POST' })
      .catch(() => ({ status: 0 }));
  const next = { i: 0 };
  const began = Date.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next.i < k) await open('vault-100', next.i++);
    }),
  );
  const filled = (Date.now() - began) / 1000;
  let fresh = 0;
  let failed = false;
  const more = { i: 0 };
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (!failed && more.i < 20_000) {
        const r = await open('vault', more.i++);
        if (r.status === 200) fresh++;
        else failed = true;
      }
    }),
  );
  const seconds = (Date.now() - began) / 1000;
  const kib = (capMiB * 1024 - fresh * freshKiB) / k;
  log(
    `figure 10: ${k} vaults with 100 approvals' rows (${filled.toFixed(1)} s), then ${fresh} fresh vaults until the cap (${seconds.toFixed(1)} s in all): ≈ ${kib.toFixed(0)} KiB each`,
  );
  return { k, fresh, seconds, filled, kibPerApprovedVault: kib };
}
