import { CodedError } from '../internal/coded-error.ts';

/**
 * One error class with a stable `code` from a closed union, as `psea/receipt`
 * does it: a field device `switch`es on `err.code` and TypeScript narrows.
 * Where a check is the one `POST /v1/offline-proofs` makes, the code is the
 * docs/api.md's problem code for it, so a device and the service say the same thing.
 * Messages say what failed, never echo the proof, the bundle or a key.
 */

/** Every way an offline proof can fail. The set is closed: new codes are a breaking change. */
export type OfflineProofErrorCode =
  /**
   * The verifier was called with options that cannot work or would skip a check: no `bundle`,
   * `jwks`, `subject`, `audience`, `action` or `seen`, a bad clock, an unknown option (a typo),
   * a JWKS holding an unusable key. Thrown before the proof is looked at.
   */
  | 'invalid_options'
  /** The bundle is not a `psea-offline+jwt` signed (ES256 or EdDSA) by a key of `jwks`, or its claims are missing or mistyped. */
  | 'bundle_invalid'
  /** The bundle's `exp` has passed at `now`: its grants can no longer be used. */
  | 'ticket_expired'
  /** The proof's nonce is not one of the bundle's grants. */
  | 'ticket_not_found'
  /** The nonce is already in `seen`: the proof, or another one on the same grant, was accepted before. */
  | 'ticket_used'
  /** The proof is not `{ action, display?, statement, assertion }` with the members typed as docs/api.md says. */
  | 'invalid_request'
  /** The bundle's or the statement's `sub` is not the caller's `subject`: another user's grant or proof. */
  | 'subject_mismatch'
  /** The bundle's or the statement's `aud` is not the caller's `audience`: a grant for another party. */
  | 'audience_mismatch'
  /** The proof's action is not the caller's action. */
  | 'action_mismatch'
  /**
   * The statement is not the grant's offline statement for the proof's action and display (`iss`,
   * `mode`, `act`, `dsp`), the challenge is not the statement's, or clientDataJSON's `type` is not `webauthn.get`.
   */
  | 'challenge_mismatch'
  /** `clientDataJSON.origin` is not among the bundle's `rp.origins`, or the ceremony ran cross-origin. */
  | 'origin_mismatch'
  /** `rpIdHash` is not SHA-256 of the bundle's `rp.id`. */
  | 'rp_id_mismatch'
  /** The UP flag is clear. */
  | 'user_presence_required'
  /** The UV flag is clear. */
  | 'user_verification_required'
  /** Flags that cannot be: BS set with BE clear, or BE not as the bundle says the credential enrolled (`deviceBound`). */
  | 'flags_invalid'
  /** The credential is not one of the bundle's `creds` (or `id` and `rawId` differ). */
  | 'credential_unknown'
  /** The assertion's signature does not verify with the credential's public key. */
  | 'signature_invalid'
  /** The action's `type` is not among the bundle's `types`. */
  | 'policy_unmet';

/**
 * The one error type of `psea/offline`.
 *
 * @example
 * ```ts
 * try {
 *   await verifyOfflineProof(proof, { bundle, jwks, subject: badge.userId, audience: 'door-7', action, now: Date.now(), seen });
 * } catch (err) {
 *   if (!(err instanceof OfflineProofError)) throw err;
 *   switch (err.code) {
 *     case 'ticket_used': return show('this approval was already used');
 *     case 'ticket_expired': return show('sync this device: its grants expired');
 *     default: return show(`refused: ${err.code}`);
 *   }
 * }
 * ```
 */
export class OfflineProofError extends CodedError<OfflineProofErrorCode> {}
