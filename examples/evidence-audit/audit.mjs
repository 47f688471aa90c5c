#!/usr/bin/env node
// An RP's log auditor (docs/evidence.md, "An auditor's view"). It keeps, per
// user, the last checkpoint it verified, in a JSON file. Each run, for each
// user: the service's current checkpoint must be signed by the log key the RP
// pinned, prove by consistency proof that it extends the kept one (nothing
// logged before was changed or removed), and every entry must hash into its
// root; new entries are reported, a new passkey loudly. A failed proof means
// the log was rewritten: both signed checkpoints are kept as proof of it. The
// whole log is then replayed (replay.mjs): an approval by a passkey never
// enrolled, or revoked or locked; an enrollment approved by one not active;
// a "first" that is not entry 0; every recovery and open enrollment; a
// "migrated" outside the migration's one run. New entries so flagged are printed.
//
//   PSEA_URL=https://approve.example.com PSEA_API_KEY=… \
//   PSEA_LOG_KEY='approve.example.com/psea+c7e393e9+AZWG…' \
//   node audit.mjs checkpoints.json u-123 u-456
//
// Exit 0: every log only grew, nothing new flagged. Exit 1: a log failed its
// proofs, or a new entry is flagged. Exit 2: bad usage.
import { readFile, writeFile } from 'node:fs/promises';
import {
  decodeHashes,
  leafHashOf,
  logOrigin,
  openCheckpoint,
  verifyConsistency,
} from 'psea/evidence';
import { replay } from './replay.mjs';

const [stateFile, ...users] = process.argv.slice(2);
const { PSEA_URL, PSEA_API_KEY, PSEA_LOG_KEY } = process.env;
if (!stateFile || users.length === 0 || !PSEA_URL || !PSEA_API_KEY || !PSEA_LOG_KEY) {
  console.error(
    'usage: PSEA_URL=… PSEA_API_KEY=… PSEA_LOG_KEY=<pinned verifier key> node audit.mjs <state.json> <user id>…',
  );
  process.exit(2);
}
// One pinned key, or several (comma-separated) across a rotation; they share the name `<host>/psea`.
const pinned = PSEA_LOG_KEY.split(',')
  .map((k) => k.trim())
  .filter(Boolean);
const keyName = pinned[0].split('+')[0];
const state = JSON.parse(await readFile(stateFile, 'utf8').catch(() => '{}'));

async function get(path) {
  const res = await fetch(`${PSEA_URL}${path}`, {
    headers: { authorization: `Bearer ${PSEA_API_KEY}` },
  });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

const sha256 = async (...parts) =>
  new Uint8Array(await crypto.subtle.digest('SHA-256', Buffer.concat(parts)));
const same = (a, b) => Buffer.from(a).equals(Buffer.from(b));

/** RFC 9162 root of leaf hashes: the largest power of two below n splits. */
async function rootOf(leaves) {
  if (leaves.length === 0) return sha256(Buffer.alloc(0));
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha256(Buffer.from([1]), await rootOf(leaves.slice(0, k)), await rootOf(leaves.slice(k)));
}

let rewritten = false;
let flagged = false;
for (const user of users) {
  const origin = await logOrigin(keyName, user);
  const id = encodeURIComponent(user);
  let answer;
  try {
    // 1. Our own copy first: it must still be ours (the pinned key, this user's log).
    const kept = state[user] && (await openCheckpoint(state[user], pinned, origin)).checkpoint;
    const from = kept?.size ?? 0;
    // 2. The current checkpoint, under the pinned key, and the proof it extends ours.
    answer = await get(`/v1/users/${id}/log/consistency?from=${from}`);
    const now = (await openCheckpoint(answer.checkpoint, pinned, origin)).checkpoint;
    if (kept)
      await verifyConsistency(kept.size, now.size, decodeHashes(answer.proof), kept.root, now.root);
    // 3. Every entry up to its size hashes into its root, so none is hidden or changed.
    const entries = [];
    for (let start = 0; start < now.size; start += 1000) {
      entries.push(
        ...(await get(`/v1/users/${id}/log?start=${start}&end=${Math.min(start + 1000, now.size)}`))
          .entries,
      );
    }
    if (!same(await rootOf(await Promise.all(entries.map((e) => leafHashOf(e.entry)))), now.root))
      throw new Error('the entries do not hash to the signed root');
    // 4. What happened since last time; a passkey nobody asked for is the thing to look for.
    for (const { index, entry } of entries.slice(from)) {
      const alert =
        entry.kind === 'enrolled'
          ? `  <- a passkey was added (approved by ${entry.approvedBy})`
          : '';
      console.log(
        `${user} #${index} ${entry.kind} ${entry.cred ?? entry.code ?? entry.challenge}${alert}`,
      );
    }
    console.log(
      `${user}: the log grew from ${from} to ${now.size} entries; nothing before was changed`,
    );
    // 5. The whole log replayed as a state machine; what is new and flagged needs a person.
    for (const { index, why } of replay(entries).filter((f) => f.index >= from)) {
      flagged = true;
      console.log(`${user} #${index} FLAGGED: ${why}`);
    }
    state[user] = answer.checkpoint;
  } catch (err) {
    // Keep both notes: signed by the log key, together they prove the rewrite to anyone.
    rewritten = true;
    console.log(`${user}: RE-WRITTEN OR FORKED LOG: ${err.message}`);
    state[`${user} (rewritten)`] = {
      kept: state[user],
      served: answer?.checkpoint,
      at: new Date().toISOString(),
    };
  }
}
await writeFile(stateFile, `${JSON.stringify(state, null, 2)}\n`);
process.exit(rewritten || flagged ? 1 : 0);
