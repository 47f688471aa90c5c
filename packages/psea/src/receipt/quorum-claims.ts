/**
 * The shape of a quorum receipt's claims, checked after jose has checked the
 * signature, issuer, audience and times: every member typed, so the quorum
 * check and a backend read what they expect.
 */
import { ReceiptError } from './errors.ts';
import type { QuorumReceiptClaims } from './quorum-types.ts';

const HASH = /^[A-Za-z0-9_-]{43}$/;
const NONCE = /^[A-Za-z0-9_-]{22,}$/;

const invalid = (claim: string, why: string) =>
  new ReceiptError('claim_invalid', `quorum receipt claim "${claim}" ${why}`);
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): v is string => typeof v === 'string' && v !== '';
const time = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function checkDescription(q: unknown): void {
  if (
    !isObject(q) ||
    !text(q.id) ||
    !text(q.initiator) ||
    !Array.isArray(q.groups) ||
    q.groups.length === 0
  ) {
    throw invalid('quorum', 'must be { id, initiator, groups }');
  }
  for (const g of q.groups as unknown[]) {
    if (!isObject(g) || !Array.isArray(g.users) || !Number.isInteger(g.required))
      throw invalid('quorum.groups', 'must be { users, required }');
    if (g.name !== undefined && typeof g.name !== 'string')
      throw invalid('quorum.groups.name', 'must be a string');
    for (const u of g.users as unknown[])
      if (!isObject(u) || !text(u.id))
        throw invalid('quorum.groups.users', 'must be { id, name? }');
  }
}

function checkApprovals(apv: unknown): void {
  if (!Array.isArray(apv)) throw invalid('apv', 'must be an array');
  for (const a of apv as unknown[]) {
    if (!isObject(a) || !text(a.sub) || !Number.isInteger(a.grp) || !time(a.at))
      throw invalid('apv', 'elements must be { sub, grp, nonce, at, cred }');
    if (typeof a.nonce !== 'string' || !NONCE.test(a.nonce))
      throw invalid('apv.nonce', 'must be base64url of at least 16 bytes');
    const c = a.cred;
    if (
      !isObject(c) ||
      !text(c.id) ||
      typeof c.aaguid !== 'string' ||
      typeof c.device_bound !== 'boolean' ||
      typeof c.backed_up !== 'boolean'
    ) {
      throw invalid('apv.cred', 'must be { id, aaguid, device_bound, backed_up, enrolled_at }');
    }
    if (c.enrolled_at !== undefined && !time(c.enrolled_at))
      throw invalid('apv.cred.enrolled_at', 'must be a NumericDate');
  }
}

/** Check a verified payload is a quorum receipt and return it typed; `now` and `tolerance` in seconds. */
export function quorumReceiptClaims(
  claims: Record<string, unknown>,
  now: number,
  tolerance: number,
): QuorumReceiptClaims {
  for (const claim of ['iss', 'sub', 'jti', 'act_type'])
    if (!text(claims[claim])) throw invalid(claim, 'must be a non-empty string');
  if (typeof claims.aud !== 'string') throw invalid('aud', 'must be a single string');
  if (!time(claims.iat) || !time(claims.exp) || claims.exp <= claims.iat)
    throw invalid('exp', 'must be a NumericDate after iat');
  if (claims.iat > now + tolerance)
    throw new ReceiptError('not_yet_valid', 'receipt "iat" is in the future');
  for (const claim of ['act', 'dsp', 'qrm']) {
    if (typeof claims[claim] !== 'string' || !HASH.test(claims[claim] as string))
      throw invalid(claim, 'must be a base64url SHA-256');
  }
  checkDescription(claims.quorum);
  checkApprovals(claims.apv);
  return claims as unknown as QuorumReceiptClaims;
}
