/**
 * Check 6, `log`: the checkpoint verifies under the caller's pinned key and
 * is this user's log; both entries (the `enrolled` one always) are in its tree; with knownCheckpoint,
 * `consistency` proves the log only grew; the entries say what the bundle says.
 */
import {
  decodeHashes,
  leafHashOf,
  logOrigin,
  parseCheckpoint,
  verifyConsistency,
  verifyInclusion,
  type Checkpoint,
} from '../log/index.ts';
import { LogError } from '../log/errors.ts';
import { sha256B64url } from '../internal/sha256-b64url.ts';
import { BundleFault, bytes, isObject, member, text } from './bundle-parts.ts';
import type { CheckedOptions } from './options.ts';

async function open(
  note: string,
  opts: Pick<CheckedOptions, 'openNote'>,
  sub: string,
  what: string,
): Promise<Checkpoint> {
  const { text: body, signatures } = await opts.openNote(note);
  const checkpoint = parseCheckpoint(body);
  const origins = await Promise.all(signatures.map((s) => logOrigin(s.name, sub)));
  if (!origins.includes(checkpoint.origin))
    throw new BundleFault(`${what} is of log "${checkpoint.origin}", not this user's`);
  return checkpoint;
}

/** Notes already opened in one verifyEvidence call (keyed by its options): checks 6 and 8 share them. */
const opened = new WeakMap<object, Map<string, Promise<Checkpoint>>>();

/** A checkpoint note under the pinned key, of this user's log. */
export function openFor(
  note: unknown,
  opts: Pick<CheckedOptions, 'openNote'>,
  sub: string,
  what: string,
): Promise<Checkpoint> {
  if (typeof note !== 'string') return Promise.reject(new BundleFault(`${what} is not a note`));
  let cache = opened.get(opts);
  if (!cache) opened.set(opts, (cache = new Map()));
  const key = `${sub}\n${note}`;
  let found = cache.get(key);
  if (!found) {
    found = open(note, opts, sub, what);
    cache.set(key, found);
    found.catch(() => cache.delete(key));
  }
  return found;
}

function entry(bundle: unknown, which: 'enrolled' | 'approved') {
  const e = member(bundle, `log.${which}`);
  if (!isObject(e) || !Number.isSafeInteger(e.index) || !isObject(e.entry))
    throw new BundleFault(`log.${which} needs an index and an entry`);
  if (e.entry.v !== 1 || e.entry.kind !== which)
    throw new BundleFault(`log.${which}.entry is not a v1 ${which} entry`);
  return { index: e.index as number, entry: e.entry, proof: e.proof };
}

export interface LogFacts {
  sub: string;
  challenge: string;
  act: string;
  aud: string;
  jti: string;
}

/**
 * The log only grew from `known` to `checkpoint`: the bundle's `consistency` from known's size
 * holds (none needed at the same size, where the roots must be equal).
 */
export async function checkGrowth(
  log: Record<string, unknown>,
  known: Checkpoint,
  checkpoint: Checkpoint,
): Promise<void> {
  const consistency = log.consistency;
  if (known.size === checkpoint.size && consistency === undefined) {
    await verifyConsistency(known.size, checkpoint.size, [], known.root, checkpoint.root);
  } else {
    if (!isObject(consistency) || consistency.from !== known.size)
      throw new BundleFault(`no consistency proof from the known size ${known.size}`);
    await verifyConsistency(
      known.size,
      checkpoint.size,
      decodeHashes(consistency.proof),
      known.root,
      checkpoint.root,
    );
  }
}

export async function checkLog(
  bundle: unknown,
  opts: CheckedOptions,
  facts: LogFacts,
): Promise<void> {
  try {
    const checkpoint = await openFor(
      member(bundle, 'log.checkpoint'),
      opts,
      facts.sub,
      'the checkpoint',
    );
    const cred = text(bundle, 'credential.id');
    const approved = entry(bundle, 'approved');
    const want: Record<string, string> = {
      sub: facts.sub,
      cred,
      challenge: facts.challenge,
      act: facts.act,
      aud: facts.aud,
      jti: facts.jti,
    };
    for (const [k, v] of Object.entries(want))
      if (approved.entry[k] !== v)
        throw new BundleFault(`approved entry's ${k} is not this approval's`);
    await verifyInclusion(
      await leafHashOf(approved.entry),
      approved.index,
      checkpoint.size,
      decodeHashes(approved.proof),
      checkpoint.root,
    );

    const log = member(bundle, 'log') as Record<string, unknown>;
    // Always: a credential never logged as enrolled proves nothing (an operator's own key would pass).
    {
      const enrolled = entry(bundle, 'enrolled');
      if (enrolled.entry.sub !== facts.sub || enrolled.entry.cred !== cred)
        throw new BundleFault("enrolled entry's cred or sub is not this credential's");
      if (enrolled.entry.key !== (await sha256B64url(bytes(bundle, 'credential.publicKey'))))
        throw new BundleFault("enrolled entry's key is not the hash of credential.publicKey");
      if (!(enrolled.index < approved.index))
        throw new BundleFault('the enrollment is not logged before the approval');
      await verifyInclusion(
        await leafHashOf(enrolled.entry),
        enrolled.index,
        checkpoint.size,
        decodeHashes(enrolled.proof),
        checkpoint.root,
      );
    }

    if (opts.knownCheckpoint !== undefined) {
      await checkGrowth(
        log,
        await openFor(opts.knownCheckpoint, opts, facts.sub, 'the known checkpoint'),
        checkpoint,
      );
    }
  } catch (err) {
    if (err instanceof LogError) throw new BundleFault(`${err.code}: ${err.message}`);
    throw err;
  }
}
