/**
 * What an enrollment's attestation proves, beyond "the library verified it":
 *
 * - android-key, android-safetynet, apple: the library checked the chain
 *   against the vendor roots it ships, so a verified response is attested.
 * - packed, tpm, fido-u2f: the library checked the statement's signature and
 *   leaf but no chain (it ships no roots), so PSEA checks the chain against
 *   the POLICY `trustAnchors` for the format plus the metadata roots for the
 *   AAGUID. No root reached: a valid signature from an unknown issuer, so
 *   the credential enrolls as not attested and strict rules refuse it.
 * - packed self attestation, none: nothing to verify; not attested.
 *
 * Whatever the format, a model that metadata reports revoked or compromised,
 * or a chain with a certificate the relying party lists as revoked, is refused.
 */
import { PseaError } from '../errors';
import type { VerifiedRegistration } from '../webauthn/verify-registration';
import { attestationChain } from './attestation-chain';
import { chainReachesAnchor } from './chain-to-anchor';
import { canonicalPem, certificateDer } from './certificates';
import { isRefused } from './metadata';
import { refuseRevoked } from './refuse-revoked';
import { ANCHORED_FORMATS, VENDOR_ROOTED_FORMATS, type AnchoredFormat, type AttestationFacts, type MetadataEntry, type Trust } from './types';

function isAnchored(fmt: string): fmt is AnchoredFormat {
  return (ANCHORED_FORMATS as readonly string[]).includes(fmt);
}

/** Roots for one format and model: configured ones, then the metadata statement's. */
function anchorsFor(fmt: AnchoredFormat, trust: Trust, entry: MetadataEntry | undefined): string[] {
  const roots = [...(trust.anchors[fmt] ?? [])];
  for (const b64 of entry?.roots ?? []) {
    try {
      roots.push(canonicalPem(certificateDer(b64)));
    } catch {
      // A root the metadata mangled cannot vouch for anything; skip it.
    }
  }
  return roots;
}

/**
 * Assess a registration the library has verified.
 * @throws PseaError `attestation_rejected` for a refused model or a revoked certificate.
 * @example const { attested, name } = await assessAttestation(reg, trust);
 */
export async function assessAttestation(
  reg: Pick<VerifiedRegistration, 'fmt' | 'aaguid' | 'attStmt'>,
  trust: Trust,
): Promise<AttestationFacts> {
  const entry = trust.metadata.entries.get(reg.aaguid);
  // Refuse a model FIDO reports revoked or compromised, attested or not.
  if (entry && isRefused(entry)) {
    throw new PseaError('attestation_rejected', 'authenticator model reported revoked or compromised by FIDO metadata');
  }
  const chain = attestationChain(reg.fmt, reg.attStmt);
  // Refuse chains with a certificate the relying party knows is revoked.
  await refuseRevoked(chain, trust.revoked);

  let attested = false;
  if (VENDOR_ROOTED_FORMATS.has(reg.fmt)) attested = chain.length > 0;
  else if (isAnchored(reg.fmt)) attested = await chainReachesAnchor(chain, anchorsFor(reg.fmt, trust, entry));
  return { attested, name: entry?.name ?? null };
}
