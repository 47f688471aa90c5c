import { encodeB64url } from '../../packages/psea/src/internal/base64url.ts';
import { RECEIPT_TYP } from '../../packages/psea/src/receipt/typ.ts';
import type {
  ReceiptAlg,
  ReceiptClaims,
  SigningKey,
} from '../../packages/psea/src/receipt/types.ts';

/** WebCrypto's parameters for each receipt algorithm; both give JWS's raw signature format (r‖s, or Ed25519's 64 bytes). */
export const SIGN_PARAMS: Record<ReceiptAlg, { name: string; hash?: string }> = {
  ES256: { name: 'ECDSA', hash: 'SHA-256' },
  EdDSA: { name: 'Ed25519' },
};

const encoder = new TextEncoder();
/** The encoded protected header per signer: it never changes for a key. */
const headers = new WeakMap<SigningKey, string>();

function protectedHeader(signer: SigningKey): string {
  let header = headers.get(signer);
  if (header === undefined) {
    header = encodeB64url(
      encoder.encode(JSON.stringify({ alg: signer.alg, kid: signer.kid, typ: RECEIPT_TYP })),
    );
    headers.set(signer, header);
  }
  return header;
}

/**
 * Sign a receipt as a compact JWS (RFC 7515) with the protected header
 * `{ alg, kid, typ: 'psea-receipt+jwt' }` and the claims as given. The key
 * is the CryptoKey `loadSigningKeys` imported once, so nothing is imported
 * or parsed per call.
 *
 * WebCrypto directly rather than jose's CompactSign: on the verify path
 * jose's header validation and codec cost 60% on top of the signature
 * itself (docs/performance.md, figure 1). The tests verify every receipt with jose.
 *
 * @example
 * ```ts
 * const { signer } = await loadSigningKeys(env.RECEIPT_SIGNING_KEYS);
 * const iat = Math.floor(Date.now() / 1000);
 * const receipt = await signReceipt(
 *   { iss, sub: 'u-123', aud: 'payments-api', iat, exp: iat + 300, jti: randomId(),
 *     act, act_type: 'wire.transfer', dsp, nonce, uv: true,
 *     cred: { id, aaguid, device_bound: true, backed_up: false } },
 *   signer,
 * );
 * ```
 */
export async function signReceipt(claims: ReceiptClaims, signer: SigningKey): Promise<string> {
  const params = SIGN_PARAMS[signer.alg];
  if (!params) throw new TypeError(`signReceipt: unsupported alg ${String(signer.alg)}`);
  const input = `${protectedHeader(signer)}.${encodeB64url(encoder.encode(JSON.stringify(claims)))}`;
  const signature = await crypto.subtle.sign(params, signer.key, encoder.encode(input));
  return `${input}.${encodeB64url(new Uint8Array(signature))}`;
}
