/**
 * The offline ceremony (docs/offline.md ("Offline approvals")), with no request:
 * the element's data made on the device from the bundle and the action, and
 * the passkey's signature over the offline statement
 * `{ v: 1, iss, aud, sub, act, dsp?, nonce, mode: "offline", signed_at }`
 * for a grant nonce reserved on this device first.
 */
import type { Failure } from '../api';
import type { ActionJSON } from '../action-json';
import { grantCoversType } from '../../packages/psea/src/offline/grant-types';
import { readBundle, type Bundle } from './bundle';
import { deps } from './deps';
import { jcsHash, plainJson } from './hash';
import { records, release, reserve, type GrantRecord } from './store';

export interface OfflineData extends ActionJSON {
  bundle: Bundle;
  /** What every record of this approval holds but its nonce. */
  rec: Omit<GrantRecord, 'nonce'>;
  /** A proof of this very approval already waiting on this device. */
  stored?: GrantRecord;
  /** Why no ceremony can run (an expired bundle, a type it does not cover, no grant left). */
  blocked?: Failure;
}

/** Everything the element shows and signs, from the bundle and the action alone. */
export async function offlineData(
  endpoint: string,
  jwt: unknown,
  rawAction: unknown,
  rawDisplay: unknown,
): Promise<OfflineData> {
  const bundle = readBundle(jwt);
  const action = plainJson(rawAction) as ActionJSON['action'];
  const display =
    rawDisplay === undefined ? undefined : (plainJson(rawDisplay) as ActionJSON['display']);
  if (action === null || typeof action !== 'object' || typeof action.type !== 'string')
    throw new deps.Failure('invalid_request', false);
  let act: string, dsp: string | undefined;
  try {
    act = await jcsHash(action);
    dsp = display === undefined ? undefined : await jcsHash(display);
  } catch {
    throw new deps.Failure('invalid_request', false);
  }
  const { iss, aud, sub, exp } = bundle;
  const rec = { endpoint, sub, aud, act, exp, ...(dsp ? { dsp } : {}) };
  const all = await records();
  const stored = all.find(
    (r) =>
      r.proof &&
      r.endpoint === endpoint &&
      r.sub === sub &&
      r.aud === aud &&
      r.act === act &&
      r.dsp === dsp,
  );
  const used = new Set(all.map((r) => r.nonce));
  const blocked =
    exp * 1000 <= Date.now()
      ? new deps.Failure('ticket_expired', false)
      : !grantCoversType(bundle.types, action.type)
        ? new deps.Failure('policy_unmet', false)
        : bundle.grants.every((g) => used.has(g))
          ? new deps.Failure('no_grant', false)
          : undefined;
  return {
    action,
    display,
    actionHash: act,
    statement: { v: 1, iss, aud, sub, act, nonce: '' },
    options: {
      challenge: '',
      rpId: bundle.rp.id,
      allowCredentials: bundle.creds.map(({ id }) => ({ id, type: 'public-key' })),
      userVerification: 'required',
    },
    bundle,
    rec,
    stored,
    blocked,
  };
}

/** Reserve a grant, sign its offline statement with the passkey, and return the record holding the proof. */
export async function offlineCeremony(data: OfflineData): Promise<GrantRecord> {
  const { bundle, rec, action, display } = data;
  const nonce = await reserve(bundle, rec);
  if (!nonce) throw new deps.Failure('no_grant', false);
  try {
    const statement = {
      v: 1,
      iss: bundle.iss,
      aud: bundle.aud,
      sub: bundle.sub,
      act: rec.act,
      ...(rec.dsp ? { dsp: rec.dsp } : {}),
      nonce,
      mode: 'offline',
      signed_at: Math.floor(Date.now() / 1000),
    };
    const assertion = await deps.sign({
      optionsJSON: { ...data.options, challenge: await jcsHash(statement) },
    });
    return {
      ...rec,
      nonce,
      proof: { action, ...(display === undefined ? {} : { display }), statement, assertion },
    };
  } catch (e) {
    await release(nonce);
    throw e;
  }
}
