import { ProblemError } from '../../worker/errors';

/**
 * What a check of an attestation came to: 'ok', or the detail of its
 * `attestation_rejected` (any other error fails the test).
 * @example expect(await attestationRefusal(assess(chain))).toMatch(/not generated/)
 */
export async function attestationRefusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err === undefined) return 'ok';
  if (!(err instanceof ProblemError) || err.code !== 'attestation_rejected')
    throw new Error(`expected attestation_rejected, got ${String(err)}`);
  return err.detail ?? '';
}
