import { OfflineProofError } from './errors.ts';
import { checkOfflineAssertion } from './check-offline-assertion.ts';
import { checkStatement } from './check-statement.ts';
import { offlineChallenge } from './offline-statement.ts';
import { checkOfflineOptions, type VerifyOfflineProofOptions } from './options.ts';
import { proofOf } from './proof-shape.ts';
import { commitNonce, refuseSeen } from './single-use.ts';
import type { VerifiedOfflineProof } from './types.ts';
import { verifyBundle } from './verify-bundle.ts';

export type { VerifyOfflineProofOptions } from './options.ts';

/**
 * Verify an offline approval on a field device with no network (docs/api.md
 * "Offline approvals"): the person signed, with a user-verified passkey, the
 * offline statement for this action, on a grant the service gave this user
 * for this audience, and the grant has not been used here before.
 *
 * Checks, all of them, in this order, each failing with its own
 * {@link OfflineProofError} code:
 * 1. the options (`invalid_options`), before anything else;
 * 2. the bundle: a `psea-offline+jwt` signed with ES256 or EdDSA by a key of
 *    `jwks` (never one named in the token), its claims typed (`bundle_invalid`),
 *    unexpired at `now` (`ticket_expired`), its `sub` the `subject`
 *    (`subject_mismatch`) and its `aud` the `audience` (`audience_mismatch`);
 * 3. the proof's shape (`invalid_request`);
 * 4. the statement's nonce among the bundle's grants (`ticket_not_found`) and
 *    not in `seen` (`ticket_used`);
 * 5. the statement: `sub`, `aud` the caller's and the bundle's; `iss` the
 *    bundle's, `mode: "offline"`, `act` = hashAction(proof.action), `dsp` =
 *    hashDisplay(proof.display) when there is a display and absent when not
 *    (`challenge_mismatch`); the proof's action the caller's (`action_mismatch`);
 *    its type among the bundle's `types` (`policy_unmet`);
 * 6. the assertion: clientDataJSON `type: webauthn.get` and the challenge
 *    base64url(SHA-256(JCS(statement))) (`challenge_mismatch`), the origin among
 *    `rp.origins` and not cross-origin (`origin_mismatch`), rpIdHash =
 *    SHA-256(`rp.id`) (`rp_id_mismatch`), UP and UV, BS only with BE
 *    (`flags_invalid`), the credential among `creds` (`credential_unknown`)
 *    with BE as enrolled, and the signature with its COSE key
 *    (`signature_invalid`);
 * 7. then, and only then, the nonce is added to `seen` (`ticket_used` if a
 *    concurrent proof on the same grant got there first).
 *
 * Not checked: the signature counter (the grant is the replay guard) and
 * `userHandle` (unsigned). What this cannot know offline: a credential revoked
 * or a grant used elsewhere since the bundle was made. `signed_at` is the
 * device's claim, not a trusted time.
 *
 * @throws {OfflineProofError} with a `code` saying which check failed.
 *
 * @example
 * ```ts
 * import { verifyOfflineProof, OfflineProofError } from 'psea/offline';
 *
 * const seen = new Set<string>(); // persist it: a nonce must stay used across restarts
 * const { signedAt } = await verifyOfflineProof(proof, {
 *   bundle: synced.bundle,        // POST /v1/users/:id/offline-grants, synced while online
 *   jwks: synced.jwks,            // /.well-known/jwks.json, cached while online
 *   subject: badge.userId,        // who this device acts for, from its own reader
 *   audience: 'door-7',           // this device
 *   action: { type: 'door.open', door: '7' },
 *   now: Date.now(),
 *   seen,
 * });
 * ```
 */
export async function verifyOfflineProof(
  proof: unknown,
  options: VerifyOfflineProofOptions,
): Promise<VerifiedOfflineProof> {
  const opts = checkOfflineOptions(options);

  const bundle = await verifyBundle(opts.bundle, opts.getKey, opts.now);
  // Whose grant: a genuine bundle of another user, or for another party, is no grant here.
  if (bundle.sub !== opts.subject)
    throw new OfflineProofError('subject_mismatch', 'bundle sub is not the subject');
  if (bundle.aud !== opts.audience)
    throw new OfflineProofError('audience_mismatch', 'bundle aud is not the audience');

  const checked = proofOf(proof);
  const { statement } = checked;
  if (!bundle.grants.includes(statement.nonce))
    throw new OfflineProofError('ticket_not_found', "the nonce is not one of the bundle's grants");
  await refuseSeen(opts.seen, statement.nonce);

  await checkStatement(checked, {
    bundle,
    subject: opts.subject,
    audience: opts.audience,
    actionJson: opts.actionJson,
  });
  const credential = await checkOfflineAssertion(
    checked.assertion,
    bundle,
    await offlineChallenge(statement),
  );

  await commitNonce(opts.seen, statement.nonce);
  return { statement, credential, signedAt: statement.signed_at };
}
