/**
 * How a check's outcome is reported: a pass (with a note), or a fail saying
 * why, never an exception to the caller; and check 8 for one approval, shared
 * by single and quorum bundles.
 */
import { BundleFault } from './bundle-parts.ts';
import { checkCustody, CustodyFault } from './custody-check.ts';
import type { CheckedOptions } from './options.ts';
import type { Check, CheckName } from './types.ts';

/** A note on a pass, or anything else (a check may return what it checked). */
type Outcome = unknown;

const faultWhy = (err: unknown) =>
  err instanceof BundleFault
    ? err.message
    : `malformed bundle: ${err instanceof Error ? err.message : String(err)}`;

export async function runCheck(name: CheckName, fn: () => Promise<Outcome>): Promise<Check> {
  try {
    const out = await fn();
    return typeof out === 'string' ? { name, result: 'pass', why: out } : { name, result: 'pass' };
  } catch (err) {
    // Anything thrown by a bundle is that check's failure, never the caller's exception.
    return { name, result: 'fail', why: faultWhy(err) };
  }
}

/**
 * Check 8 for one approval (a single bundle is one; a bundle of several checks each with its
 * user's known checkpoint), with the root it found: unanchored is `unavailable` unless allowed.
 */
export async function custodyCheck(
  approval: unknown,
  sub: () => string,
  knownCheckpoint: string | undefined,
  opts: CheckedOptions,
): Promise<Check> {
  try {
    const { root, rootIndex, anchored } = await checkCustody(
      approval,
      sub(),
      knownCheckpoint,
      opts,
    );
    const at = `root ${root} at ${rootIndex}`;
    if (anchored) return { name: 'custody', result: 'pass', why: at, root, rootIndex };
    if (opts.allowUnanchored)
      return {
        name: 'custody',
        result: 'pass',
        why: `${at}, not anchored (allowUnanchored)`,
        root,
        rootIndex,
      };
    return {
      name: 'custody',
      result: 'unavailable',
      why: `root not anchored: no knownCheckpoint (${at})`,
      root,
      rootIndex,
    };
  } catch (err) {
    const found = err instanceof CustodyFault ? err.found : undefined;
    return { name: 'custody', result: 'fail', why: faultWhy(err), ...found };
  }
}
