/**
 * The chain-of-custody half of test/support/evidence-bundle.ts: `psea.credential.add`
 * approvals signed by the soft authenticator, as the service makes them, and the ways to bend
 * one link. Every bend is made in the ceremony (the approver signed the bent bytes) or in the
 * log, never only in the bundle, unless its name says so.
 */
import {
  hashAction,
  hashDisplay,
  statementChallenge,
} from '../../packages/psea/src/receipt/index.ts';
import { randomId } from '../../worker/lib/random-id.ts';
import { sha256B64url } from '../../packages/psea/src/internal/sha256-b64url.ts';
import { SoftAuthenticator } from './soft-authenticator.ts';

export const ISSUER = 'https://approve.psea.example';
export const RP_ID = 'psea.example';

export type LinkBend =
  | 'signature'
  | 'approver-key'
  | 'missing-entry'
  | 'entry-later'
  | 'statement-key'
  | 'statement-aaguid'
  | 'challenge';

export interface SignedAddition {
  statement: Record<string, unknown>;
  assertion: Record<string, unknown>;
  /** What the added entry names as `approval.challenge`. */
  challenge: string;
}

/** `approver` signs the addition of `added` for `user`; `bend` makes it wrong in one way. */
export async function signAddition(
  user: string,
  approver: SoftAuthenticator,
  added: SoftAuthenticator,
  origin: string,
  bend?: LinkBend,
  stranger?: SoftAuthenticator,
): Promise<SignedAddition> {
  const key = await sha256B64url(
    bend === 'statement-key' ? stranger!.publicKeyCose : added.publicKeyCose,
  );
  const aaguid =
    bend === 'statement-aaguid' ? '11111111-2222-3333-4444-555555555555' : added.aaguid;
  const action = { type: 'psea.credential.add', user, cred: added.credentialId, key, aaguid };
  const display = {
    title: 'Add a passkey to your account',
    fields: [{ label: 'Passkey', value: 'an unrecognized passkey' }],
  };
  const statement = {
    v: 1 as const,
    iss: ISSUER,
    aud: 'psea',
    sub: user,
    act: await hashAction(action),
    dsp: await hashDisplay(display),
    nonce: randomId(16),
  };
  const challenge = await statementChallenge(statement);
  const signer = bend === 'approver-key' ? stranger! : approver;
  const assertion = await approver.assert(
    {
      challenge,
      rpId: RP_ID,
      allowCredentials: [{ id: approver.credentialId, type: 'public-key' }],
      userVerification: 'required',
    },
    { origin, ...(signer !== approver ? { bend: { signWith: signer } } : {}) },
  );
  return {
    statement,
    assertion: assertion as unknown as Record<string, unknown>,
    challenge: bend === 'challenge' ? randomId() : challenge,
  };
}
