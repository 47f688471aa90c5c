/**
 * Does an attestation chain reach one of these roots? @simplewebauthn/server
 * checks packed, tpm and fido-u2f chains only against roots put in its
 * global SettingsService, and accepts them unchecked when there are none.
 * PSEA passes roots explicitly instead and decides `attested` itself.
 */
import { getCertificateInfo, validateCertificatePath } from '@simplewebauthn/server/helpers';
import { WebAuthnError } from '../../webauthn/errors.ts';
import { canonicalPem } from '../../internal/certificates';

/** Whether a certificate is valid now: the library's path check does this for every chain but a lone anchor. */
function isCurrent(der: Uint8Array<ArrayBuffer>): boolean {
  try {
    const { notBefore, notAfter } = getCertificateInfo(der);
    const now = Date.now();
    return notBefore.getTime() <= now && now <= notAfter.getTime();
  } catch {
    return false;
  }
}

function isCa(der: Uint8Array<ArrayBuffer>): boolean {
  try {
    return getCertificateInfo(der).basicConstraintsCA;
  } catch {
    return false;
  }
}

/**
 * True when `chain` (leaf first, DER) verifies — signatures, validity at
 * the current time, CA intermediates — up to one of `anchors` (PEM).
 * A chain that names no anchor, or only expired ones, is simply not attested.
 * @throws WebAuthnError `attestation_rejected` when the library finds a revoked
 * certificate (it checks CRLs when it can reach them, and fails open when not).
 */
export async function chainReachesAnchor(
  chain: readonly Uint8Array<ArrayBuffer>[],
  anchors: readonly string[],
): Promise<boolean> {
  if (chain.length === 0 || anchors.length === 0) return false;
  const pems = chain.map(canonicalPem);
  const roots = [...new Set(anchors)];
  // Compare without whitespace, so a root configured with other line breaks still matches.
  const known = new Set(roots.map((r) => r.replace(/\s+/g, '')));
  const isAnchor = (pem: string) => known.has(pem.replace(/\s+/g, ''));
  // An attestation certificate listed as a root itself ("self-referencing" in FIDO metadata).
  if (pems.length === 1 && isAnchor(pems[0]!)) return isCurrent(chain[0]!);
  // A chain that ends in a root we trust: check the rest against that root alone.
  let path = pems;
  let candidates = roots;
  if (pems.length > 1 && isAnchor(pems[pems.length - 1]!)) {
    candidates = [pems[pems.length - 1]!];
    path = pems.slice(0, -1);
  }
  // The library's path builder accepts any certificate as an issuer; only CAs may issue.
  if (!chain.slice(1, path.length).every(isCa)) return false;
  // One root at a time: the library stops at the first root that errors.
  for (const root of candidates) {
    try {
      await validateCertificatePath(path, [root]);
      return true;
    } catch (err) {
      if (err instanceof Error && /revocation status/.test(err.message)) {
        throw new WebAuthnError(
          'attestation_rejected',
          'a certificate in the attestation chain is revoked',
        );
      }
    }
  }
  return false;
}
