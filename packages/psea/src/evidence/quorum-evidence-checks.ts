/**
 * The checks of one approval in a quorum bundle (docs/quorum.md "Evidence"):
 * each approval is checked as a single approval's bundle is, with check 1
 * taking `sub` and `nonce` from the receipt's `apv[k]` and `qrm` from the
 * receipt, and check 6 finding the receipt's `jti` and `qrm` in the
 * approver's `approved` entry, under that approver's own log.
 */
import { canonicalJson } from '../internal/canonical-json.ts';
import { sha256B64url } from '../internal/sha256-b64url.ts';
import { hashAction } from '../receipt/hash-action.ts';
import { hashDisplay } from '../receipt/hash-display.ts';
import type { QuorumReceiptClaims } from '../receipt/quorum-types.ts';
import { BundleFault, isObject, member } from './bundle-parts.ts';
import { checkEnrollment } from './enrollment-check.ts';
import { checkLog } from './log-check.ts';
import type { CheckedOptions } from './options.ts';
import type { Check } from './types.ts';
import { checkAuthenticator, checkChallenge, checkSignature } from './webauthn-checks.ts';
import { custodyCheck, runCheck as run } from './run-check.ts';

const MEMBERS = ['v', 'iss', 'aud', 'sub', 'act', 'dsp', 'nonce', 'qrm'];

/** Check 1 for approval k: exactly the approver statement's members, each the receipt's or apv[k]'s. */
async function checkApproverStatement(
  view: Record<string, unknown>,
  claims: QuorumReceiptClaims,
  k: number,
  actionJson: string | undefined,
): Promise<Record<string, unknown>> {
  const s = view.statement;
  if (!isObject(s) || s.v !== 1) throw new BundleFault('statement is not a v1 statement');
  const keys = Object.keys(s).sort();
  if (keys.join() !== [...MEMBERS].sort().join())
    throw new BundleFault(`statement must have exactly ${MEMBERS.join(', ')}`);
  const apv = claims.apv[k];
  if (!apv) throw new BundleFault(`the receipt's apv has no element ${k}`);
  if (!isObject(view.action) || s.act !== (await hashAction(view.action)))
    throw new BundleFault('statement.act is not the actionHash of action');
  // The caller's action, as for a single bundle: evidence of another approval is not this one's.
  if (actionJson !== undefined && s.act !== (await sha256B64url(actionJson)))
    throw new BundleFault('statement.act is not the hash of the given action');
  if (s.dsp !== (await hashDisplay(view.display)))
    throw new BundleFault('statement.dsp is not the hash of display');
  const want: Record<string, unknown> = {
    iss: claims.iss,
    aud: claims.aud,
    act: claims.act,
    dsp: claims.dsp,
    qrm: claims.qrm,
    sub: apv.sub,
    nonce: apv.nonce,
  };
  for (const [key, value] of Object.entries(want))
    if (s[key] !== value) throw new BundleFault(`statement.${key} is not the receipt's`);
  return s;
}

/** Checks 1–6 and 8 (custody) of approval k; `opts` carries this approver's known checkpoint. */
export async function checkApproval(
  view: Record<string, unknown>,
  claims: QuorumReceiptClaims,
  k: number,
  opts: CheckedOptions,
): Promise<Check[]> {
  const challenge = async () =>
    sha256B64url(canonicalJson(await checkApproverStatement(view, claims, k, opts.actionJson)));
  return [
    await run('statement', () => checkApproverStatement(view, claims, k, opts.actionJson)),
    await run('challenge', async () => checkChallenge(view, await challenge(), opts)),
    await run('authenticator', () => checkAuthenticator(view, opts)),
    await run('signature', () => checkSignature(view)),
    await run('enrollment', () => checkEnrollment(view, opts)),
    await run('log', async () => {
      const approved = member(view, 'log.approved.entry');
      if (!isObject(approved) || approved.qrm !== claims.qrm)
        throw new BundleFault("approved entry's qrm is not the receipt's");
      const apv = claims.apv[k]!;
      await checkLog(view, opts, {
        sub: apv.sub,
        challenge: await challenge(),
        act: claims.act,
        aud: claims.aud,
        jti: claims.jti,
      });
    }),
    await custodyCheck(view, () => claims.apv[k]?.sub ?? '', opts.knownCheckpoint, opts),
  ];
}
