/**
 * verifyEvidence (docs/evidence.md): the eight named checks, in order, each
 * `pass`, `fail` with why, or `unavailable`; `ok` only when all pass but
 * `receipt`, which may be `unavailable`.
 * A bundle that is not what it should be fails its checks; only options
 * that cannot work throw (`EvidenceError` `invalid_options`).
 */
import { BundleFault, isObject, member, text } from './bundle-parts.ts';
import { checkCustody, CustodyFault } from './custody-check.ts';
import { checkEnrollment } from './enrollment-check.ts';
import { checkLog } from './log-check.ts';
import { checkOptions, type CheckedOptions } from './options.ts';
import { checkReceipt, unverifiedClaims } from './receipt-check.ts';
import { checkStatement, expectedChallenge } from './statement-check.ts';
import {
  CHECK_NAMES,
  type Check,
  type CheckName,
  type EvidenceResult,
  type VerifyEvidenceOptions,
} from './types.ts';
import { checkAuthenticator, checkChallenge, checkSignature } from './webauthn-checks.ts';
import type { QuorumOption } from '../receipt/quorum-types.ts';
import {
  isQuorumBundle,
  verifyQuorumEvidence,
  type QuorumEvidenceOptions,
  type QuorumEvidenceResult,
} from './verify-quorum-evidence.ts';

type Outcome = void | string | undefined;

const faultWhy = (err: unknown) =>
  err instanceof BundleFault
    ? err.message
    : `malformed bundle: ${err instanceof Error ? err.message : String(err)}`;

async function run(name: CheckName, fn: () => Promise<Outcome>): Promise<Check> {
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
async function custodyCheck(
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

/**
 * @example
 * ```ts
 * const { ok, checks } = await verifyEvidence(bundle, {
 *   rpId: 'example.com', origins: ['https://approve.example.com'],
 *   logKey: 'approve.example.com/psea+c7e393e9+AZWG…', // pinned, never fetched beside the bundle
 *   knownCheckpoint: kept, // e.g. the credential.enrolled webhook's; anchors the custody root
 *   jwks, subject: session.userId, action: pending.action,
 * });
 * ```
 */
export async function verifyEvidence(
  bundle: unknown,
  options: QuorumEvidenceOptions & { quorum: QuorumOption },
): Promise<QuorumEvidenceResult>;
export async function verifyEvidence(
  bundle: unknown,
  options: VerifyEvidenceOptions,
): Promise<EvidenceResult>;
export async function verifyEvidence(
  bundle: unknown,
  options: VerifyEvidenceOptions | QuorumEvidenceOptions,
): Promise<EvidenceResult | QuorumEvidenceResult> {
  // v3: a quorum's bundle (docs/quorum.md), checked approval by approval (verify-quorum-evidence.ts).
  if (isQuorumBundle(bundle)) return verifyQuorumEvidence(bundle, options as QuorumEvidenceOptions);
  const opts = await checkOptions(options as VerifyEvidenceOptions);
  if (!isObject(bundle) || bundle.v !== 1) {
    const checks = CHECK_NAMES.map((name): Check => ({
      name,
      result: 'fail',
      why: 'not an evidence bundle (an object with v: 1)',
    }));
    return { ok: false, checks };
  }
  const claims = () => unverifiedClaims(bundle);
  const checks: Check[] = [
    await run('statement', () => checkStatement(bundle, claims(), opts)),
    await run('challenge', async () =>
      checkChallenge(bundle, await expectedChallenge(bundle), opts),
    ),
    await run('authenticator', () => checkAuthenticator(bundle, opts)),
    await run('signature', () => checkSignature(bundle)),
    await run('enrollment', () => checkEnrollment(bundle, opts)),
    await run('log', async () => {
      const statement = member(bundle, 'statement') as Record<string, unknown>;
      const jti = claims().jti;
      if (typeof jti !== 'string') throw new BundleFault('the receipt has no jti');
      await checkLog(bundle, opts, {
        sub: text(bundle, 'statement.sub'),
        challenge: await expectedChallenge(bundle),
        act: String(statement.act),
        aud: String(statement.aud),
        jti,
      });
      return opts.jwks
        ? undefined
        : "the receipt's jti was read without verifying the receipt (no jwks)";
    }),
    opts.jwks === undefined
      ? { name: 'receipt', result: 'unavailable', why: 'no jwks given' }
      : await run('receipt', () => checkReceipt(bundle, opts)),
    await custodyCheck(bundle, () => text(bundle, 'statement.sub'), opts.knownCheckpoint, opts),
  ];
  const ok = checks.every(
    (c) => c.result === 'pass' || (c.name === 'receipt' && c.result === 'unavailable'),
  );
  return { ok, checks };
}
