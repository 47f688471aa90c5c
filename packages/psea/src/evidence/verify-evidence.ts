/**
 * verifyEvidence (SPEC.md v2 "Evidence and the transparency log"): the seven
 * named checks, in order, each `pass`, `fail` with why, or `unavailable`.
 * A bundle that is not what it should be fails its checks; only options
 * that cannot work throw (`EvidenceError` `invalid_options`).
 */
import { BundleFault, isObject, member, text } from './bundle-parts.ts';
import { checkEnrollment } from './enrollment-check.ts';
import { checkLog } from './log-check.ts';
import { checkOptions } from './options.ts';
import { checkReceipt, unverifiedClaims } from './receipt-check.ts';
import { checkStatement, expectedChallenge } from './statement-check.ts';
import { CHECK_NAMES, type Check, type CheckName, type EvidenceResult, type VerifyEvidenceOptions } from './types.ts';
import { checkAuthenticator, checkChallenge, checkSignature } from './webauthn-checks.ts';

type Outcome = void | string | null | undefined;

async function run(name: CheckName, fn: () => Promise<Outcome>): Promise<Check> {
  try {
    const out = await fn();
    if (out === null) return { name, result: 'unavailable', why: 'the credential was enrolled before v2 (enrollment: null)' };
    return typeof out === 'string' ? { name, result: 'pass', why: out } : { name, result: 'pass' };
  } catch (err) {
    // Anything thrown by a bundle is that check's failure, never the caller's exception.
    const why = err instanceof BundleFault ? err.message : `malformed bundle: ${err instanceof Error ? err.message : String(err)}`;
    return { name, result: 'fail', why };
  }
}

/**
 * @example
 * ```ts
 * const { ok, checks } = await verifyEvidence(bundle, {
 *   rpId: 'example.com', origins: ['https://approve.example.com'],
 *   logKey: 'approve.example.com/psea+c7e393e9+AZWG…', // pinned, never fetched beside the bundle
 *   jwks, subject: session.userId, action: pending.action,
 * });
 * ```
 */
export async function verifyEvidence(bundle: unknown, options: VerifyEvidenceOptions): Promise<EvidenceResult> {
  const opts = await checkOptions(options);
  if (!isObject(bundle) || bundle.v !== 1) {
    const checks = CHECK_NAMES.map((name): Check => ({ name, result: 'fail', why: 'not an evidence bundle (an object with v: 1)' }));
    return { ok: false, checks };
  }
  const claims = () => unverifiedClaims(bundle);
  const checks: Check[] = [
    await run('statement', () => checkStatement(bundle, claims(), opts)),
    await run('challenge', async () => checkChallenge(bundle, await expectedChallenge(bundle), opts)),
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
        enrolled: member(bundle, 'credential.enrollment') !== null,
      });
      return opts.jwks ? undefined : "the receipt's jti was read without verifying the receipt (no jwks)";
    }),
    opts.jwks === undefined
      ? { name: 'receipt', result: 'unavailable', why: 'no jwks given' }
      : await run('receipt', () => checkReceipt(bundle, opts)),
  ];
  return { ok: checks.every((c) => c.result !== 'fail'), checks };
}
