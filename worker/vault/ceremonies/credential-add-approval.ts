/**
 * What an existing passkey signs to let a new one in (docs/api.md "Adding a passkey
 * needs an existing passkey"): the service's own action `psea.credential.add`,
 * naming the user, the new credential and its key, for the audience `psea`,
 * with a display that says what is being added. The statement and challenge
 * follow the action rules, so the signature binds this one credential and
 * key: an approval can never let in another passkey than the one shown.
 */
import type { AppliedRule } from '../../policy/types';
import { hashAction } from '../../../packages/psea/src/receipt/hash-action';
import { hashDisplay } from '../../../packages/psea/src/receipt/hash-display';
import { randomId } from '../../lib/random-id';
import { sha256B64url } from '../../../packages/psea/src/internal/sha256-b64url';
import { statementChallenge } from '../../../packages/psea/src/receipt/statement';
import type { Statement } from '../../../packages/psea/src/receipt/types';
import type { CredentialAddAction, Display, Hold } from '../types';

export type { CredentialAddAction, Hold } from '../types';

const CREDENTIAL_ADD = 'psea.credential.add';
/** The service's own audience: `POST /v1/actions` refuses it, and every type beginning `psea.`. */
export const SERVICE_AUDIENCE = 'psea';
/** The display's name for an authenticator the metadata does not know. */
export const UNRECOGNIZED = 'an unrecognized passkey';

export interface HeldRegistration {
  iss: string;
  userId: string;
  credentialId: string;
  /** The COSE public key, as stored. */
  publicKey: Uint8Array;
  aaguid: string;
  deviceBound: boolean;
  backedUp: boolean;
  /** From the attestation's metadata, when it names the model. */
  authenticatorName: string | null;
  createdAt: number;
}

/**
 * The authenticator's name for the person to see: only an attested model's. An unattested AAGUID
 * is the authenticator's own claim, and a thief's authenticator can claim the victim's model.
 */
export function shownName(attestation: { attested: boolean; name: string | null }): string | null {
  return attestation.attested ? attestation.name : null;
}

/** `2026-11-22T10:00:00Z`: whole seconds, as docs/api.md shows times. */
const isoSeconds = (ms: number): string =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The display: which authenticator, whether its key can leave it, and when it was made. */
export function credentialAddDisplay(
  r: Pick<HeldRegistration, 'authenticatorName' | 'deviceBound' | 'createdAt'>,
): Display {
  // A name is known only for an attested model; without one, BE is only the passkey's own word.
  const claimed = r.authenticatorName === null ? ' (as the passkey itself reports)' : '';
  return {
    title: 'Add a passkey to your account',
    fields: [
      { label: 'Passkey', value: r.authenticatorName ?? UNRECOGNIZED },
      {
        label: 'Device-bound',
        value:
          (r.deviceBound
            ? 'Yes: it cannot leave its device'
            : 'No: a synced passkey, it can be copied to other devices') + claimed,
      },
      { label: 'Created', value: isoSeconds(r.createdAt) },
    ],
  };
}

/**
 * The hold for a registration: the action, its display and statement, and the challenge.
 * @example const hold = await credentialAddHold(registration, (action) => selectRule(policy, action));
 */
export async function credentialAddHold(
  r: HeldRegistration,
  ruleFor: (action: CredentialAddAction) => AppliedRule,
): Promise<Hold> {
  const action: CredentialAddAction = {
    type: CREDENTIAL_ADD,
    user: r.userId,
    cred: r.credentialId,
    key: await sha256B64url(r.publicKey),
    aaguid: r.aaguid,
  };
  const display = credentialAddDisplay(r);
  const statement: Statement = {
    v: 1,
    iss: r.iss,
    aud: SERVICE_AUDIENCE,
    sub: r.userId,
    act: await hashAction(action),
    dsp: await hashDisplay(display),
    nonce: randomId(16),
  };
  return {
    credentialId: r.credentialId,
    aaguid: r.aaguid,
    deviceBound: r.deviceBound,
    backedUp: r.backedUp,
    action,
    display,
    statement,
    challenge: await statementChallenge(statement),
    rule: ruleFor(action),
  };
}
