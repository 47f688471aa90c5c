/**
 * verifyEvidence (docs/evidence.md): the eight named checks, in order, each
 * `pass`, `fail` with why, or `unavailable`; `ok` only when all pass but
 * `receipt`, which may be `unavailable`.
 * A bundle that is not what it should be fails its checks; only options
 * that cannot work throw (`EvidenceError` `invalid_options`).
 */
import { BundleFault, isObject, member, text } from './bundle-parts.ts';
import { custodyCheck, runCheck } from './run-check.ts';
import { checkEnrollment } from './enrollment-check.ts';
import { checkLog } from './log-check.ts';
import { checkOptions } from './options.ts';
import { checkReceipt, unverifiedClaims } from './receipt-check.ts';
import { checkStatement, expectedChallenge } from './statement-check.ts';
import {
  CHECK_NAMES,
  type Check,
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
    await runCheck('statement', () => checkStatement(bundle, claims(), opts)),
    await runCheck('challenge', async () =>
      checkChallenge(bundle, await expectedChallenge(bundle), opts),
    ),
    await runCheck('authenticator', () => checkAuthenticator(bundle, opts)),
    await runCheck('signature', () => checkSignature(bundle)),
    await runCheck('enrollment', () => checkEnrollment(bundle, opts)),
    await runCheck('log', async () => {
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
      : await runCheck('receipt', () => checkReceipt(bundle, opts)),
    await custodyCheck(bundle, () => text(bundle, 'statement.sub'), opts.knownCheckpoint, opts),
  ];
  const ok = checks.every(
    (c) => c.result === 'pass' || (c.name === 'receipt' && c.result === 'unavailable'),
  );
  return { ok, checks };
}
