import { encodeB64url } from '../../packages/psea/src/internal/base64url';
import { QUORUM_TYP } from '../../packages/psea/src/receipt/quorum-hash';
import type { QuorumReceiptClaims } from '../../packages/psea/src/receipt/quorum-types';
import { SIGN_PARAMS } from '../receipts/sign-receipt';
import type { SigningKey } from '../../packages/psea/src/receipt/types';
import type { QuorumRecord } from './types';

const encoder = new TextEncoder();

/** The quorum receipt's claims: the action's, the quorum as hashed into `qrm`, and the approvals in the order recorded. */
export function quorumClaims(
  r: QuorumRecord,
  approvals: { apv: QuorumReceiptClaims['apv'][number] }[],
  now: number,
): QuorumReceiptClaims {
  const iat = Math.floor(now / 1000);
  return {
    iss: r.iss,
    sub: r.initiator,
    aud: r.aud,
    iat,
    exp: iat + r.receiptTtlSeconds,
    jti: r.jti,
    act: r.actionHash,
    act_type: r.action.type,
    dsp: r.dsp,
    qrm: r.qrm,
    quorum: { id: r.id, initiator: r.initiator, groups: r.groups },
    apv: approvals.map((a) => a.apv),
  };
}

/** A compact JWS with `{ alg, kid, typ: "psea-quorum+jwt" }`: no verifier of single receipts accepts it. */
export async function signQuorumReceipt(
  claims: QuorumReceiptClaims,
  signer: SigningKey,
): Promise<string> {
  const header = encodeB64url(
    encoder.encode(JSON.stringify({ alg: signer.alg, kid: signer.kid, typ: QUORUM_TYP })),
  );
  const input = `${header}.${encodeB64url(encoder.encode(JSON.stringify(claims)))}`;
  const signature = await crypto.subtle.sign(
    SIGN_PARAMS[signer.alg],
    signer.key,
    encoder.encode(input),
  );
  return `${input}.${encodeB64url(new Uint8Array(signature))}`;
}
