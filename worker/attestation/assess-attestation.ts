/**
 * What an enrollment's attestation proves, beyond "the library verified it":
 *
 * - android-key, android-safetynet, apple: the library checked the chain
 *   against the vendor roots it ships. Apple's statement comes from Apple's
 *   own authenticator, so it is attested; an Android statement is attested
 *   only when Google Play services made it (play-services.ts), and an
 *   android-key must be one the TEE generated for signing
 *   (refuse-imported-android-key.ts).
 * - packed, tpm, fido-u2f: the library checked the statement's signature and
 *   leaf but no chain (it ships no roots), so PSEA checks the chain against
 *   the metadata roots for the AAGUID, then the POLICY `trustAnchors` for
 *   the format, which count only when the leaf names its model (below). No
 *   root reached: a valid signature from an unknown issuer, so the
 *   credential enrolls as not attested and strict rules refuse it.
 * - packed self attestation, none: nothing to verify; not attested.
 *
 * Whatever the format, a model that metadata reports revoked or compromised,
 * or a chain with a certificate the relying party lists as revoked, is refused.
 */
import type { KeyDescription } from '@peculiar/asn1-android';
import { ProblemError } from '../errors';
import type { VerifiedRegistration } from '../webauthn/verify-registration';
import { keyDescription } from './android-key-description';
import { attestationChain } from '../../packages/psea/src/evidence/attestation/attestation-chain';
import { certificateExtension } from '../../packages/psea/src/internal/certificates';
import { chainReachesAnchor } from '../../packages/psea/src/evidence/attestation/chain-to-anchor';
import { isRefused } from './metadata';
import { modelRoots, sharedRoots } from './model-roots';
import { keystoreAppIsPlayServices, safetyNetAppIsPlayServices } from './play-services';
import { refuseImportedAndroidKey } from './refuse-imported-android-key';
import { refuseRevoked } from './refuse-revoked';
import { ANCHORED_FORMATS, type AnchoredFormat } from '../policy/types';
import {
  VENDOR_ROOTED_FORMATS,
  type AttestationFacts,
  type MetadataEntry,
  type Trust,
} from './types';

function isAnchored(fmt: string): fmt is AnchoredFormat {
  return (ANCHORED_FORMATS as readonly string[]).includes(fmt);
}

const ID_FIDO_GEN_CE_AAGUID = '1.3.6.1.4.1.45724.1.1.4';

/**
 * Whether the leaf certificate names its model (id-fido-gen-ce-aaguid). The
 * library already refused a leaf whose extension differs from authData's AAGUID.
 */
function leafNamesModel(leaf: Uint8Array<ArrayBuffer> | undefined): boolean {
  return leaf !== undefined && certificateExtension(leaf, ID_FIDO_GEN_CE_AAGUID) !== undefined;
}

/**
 * A chain attests the model it claims when it reaches that model's metadata
 * roots, or a root the relying party configured for the format and its leaf
 * names the model. A configured root vouches for a vendor, and one vendor's
 * root may sign many models: without the extension, its leaf could claim
 * any AAGUID, and policies that list AAGUIDs would trust the claim. So may a
 * metadata root listed for several models, which a packed leaf must then
 * name its model under (§8.2.1); a TPM's AIK need not (§8.3).
 * (fido-u2f claims no model: the library holds its AAGUID to zero. Any other
 * format must name its model, even one that claims the zero AAGUID.)
 */
async function attestsModel(
  fmt: AnchoredFormat,
  chain: Uint8Array<ArrayBuffer>[],
  trust: Trust,
  entry: MetadataEntry | undefined,
): Promise<boolean> {
  let roots = modelRoots(entry);
  if (fmt === 'packed' && !leafNamesModel(chain[0]))
    roots = roots.filter((r) => !sharedRoots(trust.metadata).has(r));
  if (await chainReachesAnchor(chain, roots)) return true;
  const configured = trust.anchors[fmt] ?? [];
  return (fmt === 'fido-u2f' || leafNamesModel(chain[0])) && chainReachesAnchor(chain, configured);
}

/**
 * Whether a vendor-rooted statement vouches for the authenticator, not only
 * for a key or a device: Apple's always comes from Apple's authenticator;
 * an Android one only when Google Play services made it.
 */
function vendorVouchesForModel(
  reg: Pick<VerifiedRegistration, 'fmt' | 'attStmt'>,
  kd: KeyDescription | undefined,
): boolean {
  if (reg.fmt === 'android-key') return kd !== undefined && keystoreAppIsPlayServices(kd);
  if (reg.fmt === 'android-safetynet') return safetyNetAppIsPlayServices(reg.attStmt);
  return true;
}

/**
 * Assess a registration the library has verified.
 * @throws ProblemError `attestation_rejected` for a refused model or a revoked certificate.
 * @example const { attested, name } = await assessAttestation(reg, trust);
 */
export async function assessAttestation(
  reg: Pick<VerifiedRegistration, 'fmt' | 'aaguid' | 'attStmt'>,
  trust: Trust,
): Promise<AttestationFacts> {
  const entry = trust.metadata.entries.get(reg.aaguid);
  // Refuse a model FIDO reports revoked or compromised, attested or not.
  if (entry && isRefused(entry)) {
    throw new ProblemError(
      'attestation_rejected',
      'authenticator model reported revoked or compromised by FIDO metadata',
    );
  }
  const chain = attestationChain(reg.fmt, reg.attStmt);
  // Refuse chains with a certificate the relying party knows is revoked.
  await refuseRevoked(chain, trust.revoked);
  // Refuse an Android key imported into Keystore: it could exist outside the device.
  const kd = reg.fmt === 'android-key' ? keyDescription(chain[0]) : undefined;
  if (reg.fmt === 'android-key') refuseImportedAndroidKey(kd);

  let attested = false;
  if (VENDOR_ROOTED_FORMATS.has(reg.fmt))
    attested = chain.length > 0 && vendorVouchesForModel(reg, kd);
  else if (isAnchored(reg.fmt)) attested = await attestsModel(reg.fmt, chain, trust, entry);
  return { attested, name: entry?.name ?? null };
}
