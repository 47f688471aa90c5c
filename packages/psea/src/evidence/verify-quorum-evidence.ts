/**
 * verifyEvidence on a quorum bundle (`GET /v1/quorums/:id/evidence`,
 * docs/quorum.md): every approval checked as a single one is, under its own
 * user's log (`knownCheckpoint` a map keyed by user id), then check
 * `quorum`: distinct users and credentials, none the initiator, meeting the
 * caller's `quorum` option (shaped as verifyReceipt's). Without the option,
 * `quorum` fails. `subject` is the initiator; check 7 verifies the
 * `psea-quorum+jwt` against `jwks`.
 */
import { decodeJwt } from 'jose';
import { ReceiptError } from '../receipt/errors.ts';
import { hashQuorum } from '../receipt/quorum-hash.ts';
import { checkQuorumOption, judgeQuorum } from '../receipt/quorum-option.ts';
import type { QuorumOption, QuorumReceiptClaims } from '../receipt/quorum-types.ts';
import { checkTokenOptions } from '../receipt/token-options.ts';
import type { PublicJWKSet } from '../receipt/types.ts';
import { verifyQuorumToken } from '../receipt/verify-quorum.ts';
import { BundleFault, isObject } from './bundle-parts.ts';
import { EvidenceError } from './errors.ts';
import { checkOptions } from './options.ts';
import { checkApproval } from './quorum-evidence-checks.ts';
import type { Check, CheckName, VerifyEvidenceOptions } from './types.ts';

export interface QuorumEvidenceOptions extends Omit<VerifyEvidenceOptions, 'knownCheckpoint'> {
  /** Checkpoints kept from before, by approver user id. */
  knownCheckpoint?: Record<string, string>;
  /** The groups the caller requires (as verifyReceipt's `quorum`). */
  quorum?: QuorumOption;
}

export interface QuorumCheck extends Omit<Check, 'name'> {
  name: CheckName | 'quorum';
}

export interface QuorumEvidenceResult {
  ok: boolean;
  /** Each check over every approval (a failure names the approver), then `quorum`. */
  checks: QuorumCheck[];
  /** Each approval's own checks, in `apv` order. */
  approvals: { sub: string; checks: Check[] }[];
}

export const isQuorumBundle = (bundle: unknown): bundle is Record<string, unknown> =>
  isObject(bundle) && bundle.v === 1 && Array.isArray(bundle.approvals);

function combine(name: CheckName, per: { sub: string; checks: Check[] }[]): QuorumCheck {
  const of = per.map((p) => ({ sub: p.sub, c: p.checks.find((c) => c.name === name) }));
  const failed = of.find((x) => x.c?.result === 'fail');
  if (failed) return { name, result: 'fail', why: `${failed.sub}: ${failed.c!.why ?? 'failed'}` };
  const unavailable = of.find((x) => x.c?.result === 'unavailable');
  return unavailable
    ? { name, result: 'unavailable', why: `${unavailable.sub}: ${unavailable.c!.why ?? ''}` }
    : { name, result: 'pass' };
}

async function checkQuorumReceiptSignature(
  bundle: Record<string, unknown>,
  claims: QuorumReceiptClaims,
  jwks: NonNullable<VerifyEvidenceOptions['jwks']>,
): Promise<QuorumCheck> {
  const keys =
    jwks instanceof URL || typeof jwks === 'string'
      ? { jwksUrl: String(jwks) }
      : { jwks: jwks as PublicJWKSet };
  try {
    // Evidence outlives the receipt: the signature is checked as of the receipt's own iat.
    await verifyQuorumToken(
      String(bundle.receipt),
      checkTokenOptions({
        ...keys,
        issuer: claims.iss,
        audience: claims.aud,
        now: new Date(claims.iat * 1000),
      }),
    );
    return { name: 'receipt', result: 'pass' };
  } catch (err) {
    return {
      name: 'receipt',
      result: 'fail',
      why: err instanceof ReceiptError ? `${err.code}: ${err.message}` : String(err),
    };
  }
}

export async function verifyQuorumEvidence(
  bundle: Record<string, unknown>,
  options: QuorumEvidenceOptions,
): Promise<QuorumEvidenceResult> {
  if (!isObject(options)) throw new EvidenceError('options are required');
  const { knownCheckpoint, quorum, ...base } = options;
  if (knownCheckpoint !== undefined && !isObject(knownCheckpoint))
    throw new EvidenceError('knownCheckpoint of a quorum bundle is an object keyed by user id');
  const opts = await checkOptions(base);
  const option = quorum === undefined ? undefined : checkOptionOrThrow(quorum, opts.subject);
  let claims: QuorumReceiptClaims;
  try {
    claims = decodeJwt(String(bundle.receipt)) as unknown as QuorumReceiptClaims;
    if (!Array.isArray(claims.apv) || !isObject(claims.quorum)) throw new Error('no apv');
  } catch {
    const fail = (name: QuorumCheck['name']): QuorumCheck => ({
      name,
      result: 'fail',
      why: 'the receipt is not a quorum receipt',
    });
    return {
      ok: false,
      checks: [
        ...(
          [
            'statement',
            'challenge',
            'authenticator',
            'signature',
            'enrollment',
            'log',
            'receipt',
            'custody',
          ] as const
        ).map(fail),
        fail('quorum'),
      ],
      approvals: [],
    };
  }
  const approvals = bundle.approvals as unknown[];
  const per = await Promise.all(
    approvals.map(async (a, k) => {
      const sub = claims.apv[k]?.sub ?? `approval ${k}`;
      const known = knownCheckpoint?.[sub];
      const mine =
        known === undefined ? opts : await checkOptions({ ...base, knownCheckpoint: known });
      const view = isObject(a)
        ? { v: 1, receipt: bundle.receipt, action: bundle.action, display: bundle.display, ...a }
        : {};
      return { sub, checks: await checkApproval(view, claims, k, mine) };
    }),
  );
  const names: CheckName[] = [
    'statement',
    'challenge',
    'authenticator',
    'signature',
    'enrollment',
    'log',
  ];
  const checks: QuorumCheck[] = names.map((n) => combine(n, per));
  checks.push(
    opts.jwks === undefined
      ? { name: 'receipt', result: 'unavailable', why: 'no jwks given' }
      : await checkQuorumReceiptSignature(bundle, claims, opts.jwks),
  );
  checks.push(combine('custody', per));
  checks.push(await quorumCheck(bundle, claims, approvals, opts.subject, option));
  // As for a single bundle: every check passes but `receipt`, which may be unavailable (no jwks).
  const ok =
    approvals.length > 0 &&
    checks.every(
      (c) => c.result === 'pass' || (c.name === 'receipt' && c.result === 'unavailable'),
    );
  return { ok, checks, approvals: per };
}

function checkOptionOrThrow(quorum: QuorumOption, subject: string | undefined): QuorumOption {
  try {
    return checkQuorumOption(quorum, subject ?? '');
  } catch (err) {
    throw new EvidenceError(`quorum: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Check `quorum`: the bundle's approvals are the receipt's, distinct, never the initiator, and meet the caller's groups. */
async function quorumCheck(
  bundle: Record<string, unknown>,
  claims: QuorumReceiptClaims,
  approvals: unknown[],
  subject: string | undefined,
  option: QuorumOption | undefined,
): Promise<QuorumCheck> {
  try {
    if (!option)
      throw new BundleFault(
        "no quorum option given: a quorum bundle is judged against the caller's groups only",
      );
    if (subject !== undefined && claims.sub !== subject)
      throw new BundleFault("the receipt's sub (the initiator) is not the given subject");
    if (approvals.length !== claims.apv.length)
      throw new BundleFault("the bundle's approvals are not the receipt's apv");
    approvals.forEach((a, k) => {
      if (!isObject(a) || !isObject(a.credential) || a.credential.id !== claims.apv[k]!.cred.id)
        throw new BundleFault(`approval ${k}'s credential is not apv[${k}].cred`);
    });
    const q = bundle.quorum;
    if (!isObject(q) || q.id !== claims.quorum.id)
      throw new BundleFault("the bundle's quorum is not the receipt's");
    judgeQuorum(
      claims,
      subject ?? claims.sub,
      option,
      (await hashQuorum(claims.quorum)) === claims.qrm,
    );
    return { name: 'quorum', result: 'pass' };
  } catch (err) {
    return {
      name: 'quorum',
      result: 'fail',
      why: err instanceof Error ? err.message : String(err),
    };
  }
}
