/**
 * The statement against the grant, the caller and the proof's own action and
 * display, in the order `POST /v1/offline-proofs` would answer: whose grant
 * (`sub`, `aud`), then what was signed (`iss`, `mode`, `act`, `dsp`), then
 * whether it is the action the device is about to execute, then whether the
 * grant covers its type. The challenge over the statement is checked later,
 * with the assertion: this file decides whether the statement is worth it.
 */
import { canonicalJson } from '../internal/canonical-json.ts';
import { sha256B64url } from '../internal/sha256-b64url.ts';
import { OfflineProofError } from './errors.ts';
import { grantCoversType } from './grant-types.ts';
import type { OfflineBundleClaims, OfflineProof } from './types.ts';

/** docs/api.md caps an action's canonical form at 16 KiB. */
const MAX_ACTION_JSON = 16_384;

export interface StatementExpectation {
  bundle: OfflineBundleClaims;
  subject: string;
  audience: string;
  /** JCS of the caller's action. */
  actionJson: string;
}

function jcs(value: unknown, what: string): string {
  try {
    return canonicalJson(value);
  } catch (cause) {
    throw new OfflineProofError('invalid_request', `proof: ${what} has no canonical JSON form`, {
      cause,
    });
  }
}

/** Check every member of the statement but its nonce (already found among the grants). */
export async function checkStatement(
  proof: OfflineProof,
  expected: StatementExpectation,
): Promise<void> {
  const { statement } = proof;
  const { bundle } = expected;
  // Whose: the statement names the grant's user and party, which are the caller's (checked on the bundle).
  if (statement.sub !== bundle.sub || statement.sub !== expected.subject) {
    throw new OfflineProofError('subject_mismatch', 'statement sub is not the subject');
  }
  if (statement.aud !== bundle.aud || statement.aud !== expected.audience) {
    throw new OfflineProofError('audience_mismatch', 'statement aud is not the audience');
  }
  // Made for this grant, in offline mode: an online statement never passes for an offline one.
  if (statement.iss !== bundle.iss)
    throw new OfflineProofError('challenge_mismatch', "statement iss is not the bundle's");
  if (statement.mode !== 'offline')
    throw new OfflineProofError('challenge_mismatch', 'statement mode is not "offline"');

  // What: the statement commits to the proof's action and display, exactly.
  // hashAction and hashDisplay, spelled out so that an unhashable member is the proof's fault, not the caller's.
  const actionJson = jcs(proof.action, 'action');
  if (actionJson.length > MAX_ACTION_JSON)
    throw new OfflineProofError('invalid_request', 'proof: action is over 16 KiB');
  if (statement.act !== (await sha256B64url(actionJson))) {
    throw new OfflineProofError(
      'challenge_mismatch',
      "statement act is not the hash of the proof's action",
    );
  }
  if (proof.display === undefined) {
    if (statement.dsp !== undefined)
      throw new OfflineProofError(
        'challenge_mismatch',
        'statement has a dsp but the proof no display',
      );
  } else if (statement.dsp !== (await sha256B64url(jcs(proof.display, 'display')))) {
    throw new OfflineProofError(
      'challenge_mismatch',
      "statement dsp is not the hash of the proof's display",
    );
  }
  // The action the device is about to execute, not one the proof brought along.
  if (actionJson !== expected.actionJson)
    throw new OfflineProofError('action_mismatch', "the proof's action is not the given action");
  // Offline the action is chosen on the device: only the types the grant names.
  if (!grantCoversType(bundle.types, proof.action.type)) {
    throw new OfflineProofError('policy_unmet', "the action type is not among the bundle's types");
  }
}
