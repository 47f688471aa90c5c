import type { AnchoredFormat } from '../policy/types';

/**
 * Formats the library checks against the vendor roots it ships (Google
 * Hardware Attestation roots, GlobalSign Root CA for SafetyNet, Apple
 * WebAuthn Root CA): a response that verifies has a verified chain.
 */
export const VENDOR_ROOTED_FORMATS: ReadonlySet<string> = new Set([
  'android-key',
  'android-safetynet',
  'apple',
]);

/**
 * FIDO MDS3 statuses that make an authenticator model unacceptable:
 * certification revoked, or a key or user-verification compromise.
 */
export const REFUSED_STATUSES: ReadonlySet<string> = new Set([
  'REVOKED',
  'ATTESTATION_KEY_COMPROMISE',
  'USER_VERIFICATION_BYPASS',
  'USER_KEY_REMOTE_COMPROMISE',
  'USER_KEY_PHYSICAL_COMPROMISE',
]);

/** What PSEA keeps of one FIDO metadata BLOB entry. */
export interface MetadataEntry {
  /** `metadataStatement.description`, e.g. "YubiKey 5 Series with NFC". */
  name: string | null;
  /** Every `statusReports[].status`, oldest first. */
  statuses: string[];
  /** `metadataStatement.attestationRootCertificates`: base64 DER. */
  roots: string[];
}

/** The compact metadata file `npm run mds:import` writes (worker/attestation/metadata.json). */
export interface MetadataFile {
  /** Where it came from, for people: e.g. "FIDO Alliance Metadata Service (MDS3)". */
  source: string | null;
  /** The BLOB's serial number; 0 when empty. */
  no: number;
  /** The BLOB's `nextUpdate` (YYYY-MM-DD): import a newer one by then. */
  nextUpdate: string | null;
  importedAt: string | null;
  /** By lowercase AAGUID. */
  entries: Record<string, MetadataEntry>;
}

/** Metadata ready for lookups. */
export interface Metadata {
  no: number;
  nextUpdate: string | null;
  entries: ReadonlyMap<string, MetadataEntry>;
}

/** Everything attestation assessment trusts, passed explicitly (no library globals). */
export interface Trust {
  /** Roots per anchored format (PEM), from POLICY `trustAnchors`. */
  anchors: Partial<Record<AnchoredFormat, readonly string[]>>;
  /** SHA-256 fingerprints (lowercase hex) of revoked certificates. */
  revoked: ReadonlySet<string>;
  metadata: Metadata;
}

/** What an enrollment's attestation proves about the authenticator. */
export interface AttestationFacts {
  /** The attestation chain verified to a trust anchor (vendor, configured or metadata root). */
  attested: boolean;
  /** The model's name when metadata knows its AAGUID (a claim unless `attested`). */
  name: string | null;
}
