/** The evidence bundle (SPEC.md v2 "Evidence and the transparency log") and verifyEvidence's answer. */
import type { PublicJWKSet } from '../receipt/types.ts';

export const CHECK_NAMES = ['statement', 'challenge', 'authenticator', 'signature', 'enrollment', 'log', 'receipt'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

export interface Check {
  name: CheckName;
  result: 'pass' | 'fail' | 'unavailable';
  /** Why it failed or was unavailable (or a note on a pass). */
  why?: string;
}

export interface EvidenceResult {
  /** True when no check failed (an `unavailable` one is not a failure; read `checks`). */
  ok: boolean;
  checks: Check[];
}

export interface VerifyEvidenceOptions {
  /** The WebAuthn RP ID the service runs under. */
  rpId: string;
  /** The origins the ceremonies may come from. */
  origins: readonly string[];
  /** The log's verifier key string(s), `<name>+<hash>+<key>`, pinned out of band: never one from the bundle. */
  logKey: string | readonly string[];
  /** A checkpoint note of this user's log kept from before; the bundle's `consistency` must prove the log only grew since. */
  knownCheckpoint?: string;
  /** The receipt's JWKS (object), or its https URL. Without it `receipt` is `unavailable`. */
  jwks?: PublicJWKSet | string | URL;
  /** PEM attestation roots: with the bundle's `attestationObject`, its chain must reach one. */
  roots?: readonly string[];
  /** The user the caller expects (`sub`). */
  subject?: string;
  /** The action the caller expects (its actionHash must be `act`). */
  action?: unknown;
}
