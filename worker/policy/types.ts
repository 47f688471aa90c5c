/** What a credential must be to approve an action under a rule. */
export interface Requirement {
  /** BE clear: the key cannot leave the device (no synced passkeys). */
  deviceBound?: boolean;
  /** The attestation chain verified against a configured trust anchor. */
  attested?: boolean;
  /** Only these authenticator models (AAGUIDs). */
  aaguids?: string[];
}

/** Matches an action by type and numeric thresholds on its fields. */
export interface RuleMatch {
  /** Exact type, or a prefix ending in `*` (`wire.*`). */
  type?: string | string[];
  /** Numeric comparisons on top-level action fields (numbers or numeric strings). */
  gt?: Record<string, number>;
  gte?: Record<string, number>;
  lt?: Record<string, number>;
  lte?: Record<string, number>;
}

export interface PolicyRule {
  id: string;
  match?: RuleMatch;
  require: Requirement;
}

export interface Policy {
  /** Attestation conveyance asked of authenticators at enrollment. */
  attestation: 'none' | 'direct' | 'enterprise';
  /** Whether synced passkeys (BE set) may enroll at all. */
  allowSynced: boolean;
  aaguidAllow?: string[];
  aaguidDeny?: string[];
  /** First match wins; an action no rule matches gets the strictest rule. */
  rules: PolicyRule[];
}

/** The assurance facts of an enrolled credential that rules are judged on. */
export interface CredentialFacts {
  aaguid: string;
  deviceBound: boolean;
  attested: boolean;
}

/** The rule an action got, frozen into its ticket at creation. */
export interface AppliedRule {
  id: string;
  require: Requirement;
}
