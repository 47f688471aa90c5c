import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { getPolicy, getVars } from '../../config';
import type { Env } from '../../env';
import { authenticationOptions, registrationOptions } from '../../webauthn/options';
import type { HeldEnrollment } from '../ceremony-types';
import type { Hold } from '../ceremonies/credential-add-approval';
import { holdOf } from '../ceremonies/enrollment-tickets';
import { allCredentials, descriptor } from '../storage/credentials';
import type { EnrollTicketData, TicketRow } from '../types';

/** Request options for a challenge: only this user's active credentials, UV required. */
export function requestOptions(
  sql: SqlStorage,
  rpId: string,
  challenge: string,
  now: number,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const active = allCredentials(sql, now).filter((c) => c.state === 'active');
  return authenticationOptions({ rpId, challenge, allow: active.map(descriptor) });
}

/** The `pending` and `approval` members of a held registration's answer; options for the credentials active now. */
export async function heldAnswer(
  sql: SqlStorage,
  rpId: string,
  hold: Hold,
  now: number,
): Promise<HeldEnrollment> {
  return {
    pending: {
      credentialId: hold.credentialId,
      aaguid: hold.aaguid,
      deviceBound: hold.deviceBound,
    },
    approval: {
      action: hold.action,
      statement: hold.statement,
      display: hold.display,
      options: await requestOptions(sql, rpId, hold.challenge, now),
    },
  };
}

/**
 * Creation options for an enrollment ticket's user. A ticket that already
 * holds a credential also answers with its `pending` and `approval` (as the
 * 202 did), so a page reloaded between the two steps can finish the second.
 */
export async function enrollmentAnswer(
  sql: SqlStorage,
  env: Env,
  row: TicketRow,
  userHandle: () => string,
  now: number,
) {
  const { rpId, rpName } = getVars(env);
  const data = JSON.parse(row.data) as EnrollTicketData;
  const { user } = data;
  const options = await registrationOptions({
    rpId,
    rpName,
    user: { handle: userHandle(), name: user.name, displayName: user.displayName },
    challenge: row.challenge,
    exclude: allCredentials(sql, now).map(descriptor),
    attestation: getPolicy(env).attestation,
  });
  const answer = { user: { name: user.name, displayName: user.displayName }, options };
  if (!data.held) return answer;
  return { ...answer, ...(await heldAnswer(sql, rpId, holdOf(sql, row), now)) };
}
