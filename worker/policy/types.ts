/**
 * Formats whose certificate chains PSEA itself checks against configured
 * or metadata roots: @simplewebauthn/server ships no roots for them, and
 * without roots it checks the leaf and the signature but no chain.
 */
export const ANCHORED_FORMATS = ['packed', 'tpm', 'fido-u2f'] as const;
export type AnchoredFormat = (typeof ANCHORED_FORMATS)[number];

/** What a credential must be to approve an action under a rule. */
export interface Requirement {
  /** BE clear: the key cannot leave the device (no synced passkeys). */
  deviceBound?: boolean;
  /** The attestation chain verified against a trust anchor. */
  attested?: boolean;
  /** Only these authenticator models (AAGUIDs). */
  aaguids?: string[];
  /**
   * Never these models: the policy's deny list plus the models the loaded
   * FIDO metadata reports revoked or compromised. Not configurable per rule;
   * filled in when a rule is applied, so it is frozen into the ticket too.
   */
  notAaguids?: string[];
}

/** Matches an action by type and numeric thresholds on its top-level fields. */
export interface RuleMatch {
  /** Exact type, or a prefix ending in `*` (`wire.*`; `*` alone matches every type). */
  type?: string | string[];
  /** Numeric comparisons on top-level action fields (numbers or decimal strings). */
  gt?: Record<string, number>;
  gte?: Record<string, number>;
  lt?: Record<string, number>;
  lte?: Record<string, number>;
}

/** What the person sees and where they approve (docs/display.md ("What the person sees cannot hide what is signed")). */
export interface DisplayRequirement {
  /**
   * Approvals only with a `clientDataJSON.origin` among these (each also in
   * ALLOWED_ORIGINS): the hosted page, say, out of a host page's reach.
   */
  origins?: string[];
  /** `POST /v1/actions` refuses characters that hide in any member name or string of the action or display. */
  refuseFormatChars?: boolean;
}

/** docs/offline.md ("Offline approvals"): off unless the rule chosen for the action turns it on. */
export interface OfflineOption {
  /** Offline proofs (`POST /v1/offline-proofs`) of actions under this rule are accepted. */
  offline?: boolean;
}

export interface PolicyRule extends DisplayRequirement, OfflineOption {
  id: string;
  /** Absent: the rule matches every action (a catch-all). */
  match?: RuleMatch;
  require: Requirement;
}

export interface Policy {
  /** Attestation conveyance asked of authenticators at enrollment. */
  attestation: 'none' | 'direct' | 'enterprise';
  /** Whether synced passkeys (BE set) may enroll, and approve, at all. */
  allowSynced: boolean;
  aaguidAllow?: string[];
  aaguidDeny?: string[];
  /** First match wins; an action no rule decides gets {@link Policy.strictest}. */
  rules: PolicyRule[];
  /**
   * The rule for actions no rule decides: the configured rule at least as
   * strict as every other, or, when none is, all requirements combined
   * under the reserved id `strictest`. Computed at parse time.
   */
  strictest: PolicyRule;
  /** Extra attestation roots (PEM) for the formats simplewebauthn ships none for. */
  trustAnchors: Partial<Record<AnchoredFormat, string[]>>;
  /** SHA-256 fingerprints (lowercase hex) of certificates refused in any attestation chain. */
  revokedCertificates: string[];
  /**
   * How a passkey after the first gets in: `approved` (default) holds it until
   * one of the user's active passkeys approves it; `open` enrolls it at once, as v1 did.
   */
  enrollment: { addCredential: 'approved' | 'open' };
  /** AAGUIDs the loaded FIDO metadata reports revoked or compromised (set by `getPolicy`). */
  compromised?: string[];
}

/** The assurance facts of an enrolled credential that rules are judged on. */
export interface CredentialFacts {
  aaguid: string;
  deviceBound: boolean;
  attested: boolean;
}

/**
 * The rule an action got, frozen into its ticket at creation. Tickets made
 * before v2 have no `origins` or `refuseFormatChars`: absent means neither.
 */
export interface AppliedRule extends DisplayRequirement, OfflineOption {
  id: string;
  require: Requirement;
}
