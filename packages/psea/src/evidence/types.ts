/** The evidence bundle (docs/evidence.md ("Evidence and the transparency log")) and verifyEvidence's answer. */
import type { PublicJWKSet } from '../receipt/types.ts';

export const CHECK_NAMES = [
  'statement',
  'challenge',
  'authenticator',
  'signature',
  'enrollment',
  'log',
  'receipt',
  'custody',
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

export interface Check {
  name: CheckName;
  result: 'pass' | 'fail' | 'unavailable';
  /** Why it failed or was unavailable (or a note on a pass). */
  why?: string;
  /** `custody` only: the kind of root the chain ends at (`first`, `recovery`, `open`, `migrated`)… */
  root?: string;
  /** …and that root entry's index in the log. */
  rootIndex?: number;
}

export interface EvidenceResult {
  /** True only when every check passes but `receipt`, which may be `unavailable` (no jwks). */
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
  /**
   * A checkpoint note of this user's log kept from before (a `credential.enrolled` webhook's, an
   * earlier bundle's); the bundle's `consistency` must prove the log only grew since, and it
   * anchors the chain of custody's root. Without it `custody` is `unavailable` and `ok` false.
   */
  knownCheckpoint?: string;
  /** The roots a chain of custody may end at; default `["first"]`. Name others only after checking them against your own records. */
  custodyRoots?: readonly ('first' | 'recovery' | 'open' | 'migrated')[];
  /** Accept a root no knownCheckpoint anchors (`custody` passes, saying so): the bundle could be a log made up for it. */
  allowUnanchored?: boolean;
  /** The receipt's JWKS (object), or its https URL. Without it `receipt` is `unavailable`. */
  jwks?: PublicJWKSet | string | URL;
  /** PEM attestation roots: with the bundle's `attestationObject`, its chain must reach one. */
  roots?: readonly string[];
  /** The user the caller expects (`sub`). */
  subject?: string;
  /** The action the caller expects (its actionHash must be `act`). */
  action?: unknown;
}
