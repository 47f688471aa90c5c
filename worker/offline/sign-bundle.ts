/**
 * The service's half of verify-bundle.ts: an offline bundle signed with the
 * receipt key, header `typ: psea-offline+jwt`, so that a bundle never passes
 * for a receipt nor a receipt for a bundle. jose's SignJWT rather than the
 * receipt's hand-made WebCrypto path: a bundle is made once per sync, not
 * once per approval, so speed does not matter and the well-kept library does.
 * Not exported from `psea/offline`: only the service signs bundles.
 */
import { SignJWT } from 'jose';
import type { SigningKey } from '../../packages/psea/src/receipt/types.ts';
import type { OfflineBundleClaims } from '../../packages/psea/src/offline/types.ts';
import { OFFLINE_BUNDLE_TYP } from '../../packages/psea/src/offline/verify-bundle.ts';

export function signBundle(claims: OfflineBundleClaims, signer: SigningKey): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: OFFLINE_BUNDLE_TYP })
    .sign(signer.key);
}
