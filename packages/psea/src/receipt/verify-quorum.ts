/**
 * verifyReceipt with a `quorum` option (docs/quorum.md): only a
 * `psea-quorum+jwt` passes, judged against the caller's own groups. A
 * single approval's receipt, whatever else it proves, is `quorum_unmet`.
 */
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { ReceiptError } from './errors.ts';
import { fromJoseError } from './jose-error.ts';
import { quorumReceiptClaims } from './quorum-claims.ts';
import { hashQuorum, QUORUM_TYP } from './quorum-hash.ts';
import { judgeQuorum } from './quorum-option.ts';
import type { QuorumOption, QuorumReceiptClaims } from './quorum-types.ts';
import { RECEIPT_TYP } from './typ.ts';
import type { TokenChecks } from './token-options.ts';
import type { ReceiptAlg, Statement } from './types.ts';

export interface VerifiedQuorumReceipt {
  claims: QuorumReceiptClaims;
  header: { alg: ReceiptAlg; kid: string; typ: typeof QUORUM_TYP };
  /** Each approver's statement, rebuilt from the claims: `{ v, iss, aud, sub: apv.sub, act, dsp, nonce: apv.nonce, qrm }`. */
  statements: (Statement & { qrm: string })[];
}

/** The header's `typ` as jose compares it: case-insensitive, `application/` optional. */
function typOf(token: string): string | undefined {
  try {
    const typ = decodeProtectedHeader(token).typ;
    return typeof typ === 'string' ? typ.toLowerCase().replace(/^application\//, '') : undefined;
  } catch {
    return undefined;
  }
}

/** The token's signature, header and claims as a quorum receipt's; a single receipt is quorum_unmet. */
export async function verifyQuorumToken(
  token: string,
  checks: TokenChecks,
): Promise<{ claims: QuorumReceiptClaims; header: VerifiedQuorumReceipt['header'] }> {
  if (typeof token !== 'string' || token.length === 0 || token.length > 65_536)
    throw new ReceiptError('malformed', 'receipt must be a compact JWS string of at most 64 KiB');
  if (typOf(token) === RECEIPT_TYP)
    throw new ReceiptError('quorum_unmet', 'a single approval receipt cannot meet a quorum');
  let verified: Awaited<ReturnType<typeof jwtVerify>>;
  try {
    verified = await jwtVerify(token, checks.getKey, {
      algorithms: ['ES256', 'EdDSA'],
      typ: QUORUM_TYP,
      issuer: checks.issuer,
      audience: checks.audience,
      requiredClaims: ['iss', 'sub', 'aud', 'iat', 'exp', 'jti'],
      currentDate: checks.now,
      clockTolerance: checks.tolerance,
      maxTokenAge: checks.maxAge,
    });
  } catch (err) {
    throw fromJoseError(err);
  }
  const claims = quorumReceiptClaims(
    verified.payload,
    Math.floor(checks.now.getTime() / 1000),
    checks.tolerance,
  );
  const { alg, kid } = verified.protectedHeader;
  return { claims, header: { alg: alg as ReceiptAlg, kid: kid as string, typ: QUORUM_TYP } };
}

/** Judge a verified quorum receipt against the caller's subject (the initiator) and groups. */
export async function checkQuorumReceipt(
  claims: QuorumReceiptClaims,
  subject: string,
  option: QuorumOption,
): Promise<void> {
  judgeQuorum(claims, subject, option, (await hashQuorum(claims.quorum)) === claims.qrm);
}

export function quorumStatements(c: QuorumReceiptClaims): VerifiedQuorumReceipt['statements'] {
  return c.apv.map((a) => ({
    v: 1,
    iss: c.iss,
    aud: c.aud,
    sub: a.sub,
    act: c.act,
    dsp: c.dsp,
    nonce: a.nonce,
    qrm: c.qrm,
  }));
}
