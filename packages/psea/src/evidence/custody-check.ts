/**
 * Check 8, `custody` (docs/evidence.md "Chain of custody"): the approving
 * credential's `enrolled` entry, and each approver's before it, chained by
 * signed `psea.credential.add` approvals back to a root entry; the root of a
 * kind the caller accepts (`custodyRoots`, default `["first"]`), a `first`
 * only at index 0, and anchored: in the tree of a checkpoint the caller
 * obtained before (`knownCheckpoint`), which the bundle's log extends.
 *
 * `checkCustody` takes one approval (`{ credential, log, custody }`, which a
 * single bundle is), so a quorum bundle checks each approval's custody alone.
 */
import { CUSTODY_ROOTS, LogError } from '../log/index.ts';
import { BundleFault, isObject, member, text } from './bundle-parts.ts';
import { checkLink, enrolledInTree } from './custody-link.ts';
import { checkGrowth, openFor } from './log-check.ts';
import type { CheckedOptions } from './options.ts';

/** Where a chain ends, as the check reports it. */
export interface CustodyRootFound {
  root: string;
  rootIndex: number;
}

/** A chain that holds, or fails past its root: the root is named with the fault. */
export class CustodyFault extends BundleFault {
  constructor(
    message: string,
    readonly found?: CustodyRootFound,
  ) {
    super(message);
  }
}

export interface CustodyOutcome extends CustodyRootFound {
  /** False when no knownCheckpoint was given: the root may be a log made up after the fact. */
  anchored: boolean;
}

const ROOTS: ReadonlySet<string> = new Set(CUSTODY_ROOTS);

/**
 * The custody of one approval by user `sub`, against `knownCheckpoint` (that user's, if any).
 * Throws a BundleFault (a CustodyFault once the root is found) saying why.
 */
export async function checkCustody(
  approval: unknown,
  sub: string,
  knownCheckpoint: string | undefined,
  opts: CheckedOptions,
): Promise<CustodyOutcome> {
  try {
    const checkpoint = await openFor(
      member(approval, 'log.checkpoint'),
      opts,
      sub,
      'the checkpoint',
    );
    const custody = member(approval, 'custody');
    if (!Array.isArray(custody)) throw new BundleFault('custody is not an array');
    if (custody.length > checkpoint.size)
      throw new BundleFault('custody has more links than the log has entries');
    let added = await enrolledInTree(
      member(approval, 'log.enrolled'),
      'log.enrolled',
      sub,
      checkpoint,
    );
    if (added.entry.cred !== text(approval, 'credential.id'))
      throw new BundleFault('log.enrolled is not of credential.id');
    for (const [i, link] of custody.entries())
      added = await checkLink(link, i, added, sub, checkpoint, opts);

    const found = { root: String(added.entry.approvedBy), rootIndex: added.index };
    const at = `root ${found.root} at ${found.rootIndex}`;
    if (!ROOTS.has(found.root))
      throw new BundleFault(
        `the chain ends at an entry approved by a credential (${found.root}), not at a root`,
      );
    if (added.entry.approval !== undefined)
      throw new CustodyFault(`${at}: a root entry carries an approval`, found);
    if (!opts.custodyRoots.includes(found.root))
      throw new CustodyFault(
        `${at}: not a root accepted (custodyRoots: ${opts.custodyRoots.join(', ')})`,
        found,
      );
    if (found.root === 'first' && found.rootIndex !== 0)
      throw new CustodyFault(`${at}: a first enrollment is only ever entry 0`, found);
    if (knownCheckpoint === undefined) return { ...found, anchored: false };
    const known = await openFor(knownCheckpoint, opts, sub, 'the known checkpoint');
    if (!(known.size > found.rootIndex))
      throw new CustodyFault(
        `${at}: not anchored, the known checkpoint (size ${known.size}) does not cover it`,
        found,
      );
    try {
      const log = member(approval, 'log');
      await checkGrowth(isObject(log) ? log : {}, known, checkpoint);
    } catch (err) {
      const why = err instanceof LogError ? `${err.code}: ${err.message}` : (err as Error).message;
      throw new CustodyFault(
        `${at}: not anchored, the log does not extend the known checkpoint (${why})`,
        found,
      );
    }
    return { ...found, anchored: true };
  } catch (err) {
    if (err instanceof LogError) throw new BundleFault(`${err.code}: ${err.message}`);
    throw err;
  }
}
