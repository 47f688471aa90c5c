/**
 * One link of a chain of custody (docs/evidence.md "Chain of custody"): the
 * approver's `enrolled` entry is in the tree before the entry it let in, and
 * the approver's passkey signed the `psea.credential.add` statement for
 * exactly that entry's credential, key and AAGUID, with the challenge the
 * entry names. Each throws a BundleFault saying which link and why.
 */
import { canonicalJson } from '../internal/canonical-json.ts';
import { sha256B64url } from '../internal/sha256-b64url.ts';
import { decodeHashes, leafHashOf, verifyInclusion, type Checkpoint } from '../log/index.ts';
import { WebAuthnError } from '../webauthn/errors.ts';
import { verifyAssertionSignature } from '../webauthn/verify-assertion-signature.ts';
import {
  BundleFault,
  bytes,
  clientData,
  equalBytes,
  isObject,
  member,
  sha256,
  text,
} from './bundle-parts.ts';
import { coseKey } from './key-memo.ts';
import type { CheckedOptions } from './options.ts';
import { authData, checkClientData } from './webauthn-checks.ts';

export interface LoggedEnrolled {
  index: number;
  entry: Record<string, unknown>;
}

const STATEMENT_MEMBERS = ['v', 'iss', 'aud', 'sub', 'act', 'dsp', 'nonce'];

/** A logged `enrolled` entry of this user, in the tree of `checkpoint` at its index. */
export async function enrolledInTree(
  value: unknown,
  what: string,
  sub: string,
  checkpoint: Checkpoint,
): Promise<LoggedEnrolled> {
  if (!isObject(value) || !Number.isSafeInteger(value.index) || !isObject(value.entry))
    throw new BundleFault(`${what} needs an index and an entry`);
  const entry = value.entry;
  if (entry.v !== 1 || entry.kind !== 'enrolled')
    throw new BundleFault(`${what}.entry is not a v1 enrolled entry`);
  if (entry.sub !== sub) throw new BundleFault(`${what}.entry is not of this user`);
  for (const k of ['cred', 'key', 'aaguid', 'approvedBy'])
    if (typeof entry[k] !== 'string') throw new BundleFault(`${what}.entry.${k} is not a string`);
  const index = value.index as number;
  await verifyInclusion(
    await leafHashOf(entry),
    index,
    checkpoint.size,
    decodeHashes(value.proof),
    checkpoint.root,
  );
  return { index, entry };
}

/** Checks 2-4 on an assertion under a given key: type, origin, rpIdHash, UP, UV, signature. */
async function checkAssertion(
  link: unknown,
  challenge: string,
  id: string,
  opts: CheckedOptions,
  what: string,
): Promise<void> {
  const cd = clientData(link, 'assertion.response.clientDataJSON');
  if (cd.challenge !== challenge)
    throw new BundleFault(`${what}: the assertion's challenge is not the statement's`);
  checkClientData(cd, 'webauthn.get', opts.origins, `${what}: clientDataJSON`);
  const raw = bytes(link, 'assertion.response.authenticatorData');
  const data = authData(raw, `${what}: authenticatorData`);
  if (!equalBytes(data.rpIdHash, await sha256(opts.rpId)))
    throw new BundleFault(`${what}: rpIdHash is not SHA-256("${opts.rpId}")`);
  if (!data.flags.up || !data.flags.uv)
    throw new BundleFault(`${what}: the UP or UV flag is clear`);
  if (text(link, 'assertion.id') !== id)
    throw new BundleFault(`${what}: the assertion is not by the approver`);
  let key;
  try {
    bytes(link, 'approver.publicKey'); // refuses what is not base64url
    key = await coseKey(text(link, 'approver.publicKey'));
  } catch (err) {
    if (err instanceof WebAuthnError)
      throw new BundleFault(`${what}: approver.publicKey: ${err.message}`);
    throw err;
  }
  try {
    const signed = {
      authData: data,
      authenticatorData: raw,
      clientDataJSON: bytes(link, 'assertion.response.clientDataJSON'),
      signature: bytes(link, 'assertion.response.signature'),
    };
    await verifyAssertionSignature(signed, key);
  } catch (err) {
    if (err instanceof WebAuthnError)
      throw new BundleFault(`${what}: the signature does not verify with the approver's key`);
    throw err;
  }
}

/**
 * Link `i`: `added` is the entry it lets in. Resolves to the approver's entry, the next link's
 * added entry (or the root).
 */
export async function checkLink(
  link: unknown,
  i: number,
  added: LoggedEnrolled,
  sub: string,
  checkpoint: Checkpoint,
  opts: CheckedOptions,
): Promise<LoggedEnrolled> {
  const what = `custody[${i}]`;
  if (!isObject(link)) throw new BundleFault(`${what} is not an object`);
  const approverId = text(link, 'approver.id');
  if (link.added !== added.entry.cred)
    throw new BundleFault(`${what}.added is not the credential its entry enrolled`);
  if (added.entry.approvedBy !== approverId)
    throw new BundleFault(`${what}: the entry's approvedBy is not approver.id`);
  const approval = added.entry.approval;
  if (!isObject(approval) || typeof approval.challenge !== 'string')
    throw new BundleFault(`${what}: the entry names no approval.challenge`);

  if (!isObject(link.approver) || link.approver.enrolled === undefined)
    throw new BundleFault(`${what}: no approver.enrolled`);
  const approver = await enrolledInTree(
    member(link, 'approver.enrolled'),
    `${what}.approver.enrolled`,
    sub,
    checkpoint,
  );
  if (approver.entry.cred !== approverId)
    throw new BundleFault(`${what}: the approver's entry is of another credential`);
  if (approver.entry.key !== (await sha256B64url(bytes(link, 'approver.publicKey'))))
    throw new BundleFault(`${what}: the approver's entry logs another key than approver.publicKey`);
  if (!(approver.index < added.index))
    throw new BundleFault(
      `${what}: the approver's entry is not logged before the entry it approved`,
    );

  const statement = member(link, 'statement');
  if (!isObject(statement)) throw new BundleFault(`${what}.statement is not an object`);
  const members = Object.keys(statement);
  if (
    members.length !== STATEMENT_MEMBERS.length ||
    !STATEMENT_MEMBERS.every((k) => members.includes(k))
  ) {
    throw new BundleFault(
      `${what}.statement does not have exactly the members ${STATEMENT_MEMBERS.join(', ')}`,
    );
  }
  if (statement.v !== 1 || statement.aud !== 'psea' || statement.sub !== sub)
    throw new BundleFault(`${what}.statement is not a v1 psea statement of this user`);
  const action = {
    type: 'psea.credential.add',
    user: sub,
    cred: added.entry.cred,
    key: added.entry.key,
    aaguid: added.entry.aaguid,
  };
  if (statement.act !== (await sha256B64url(canonicalJson(action))))
    throw new BundleFault(
      `${what}.statement approves another credential, key or aaguid than its entry's`,
    );
  const challenge = await sha256B64url(canonicalJson(statement));
  if (challenge !== approval.challenge)
    throw new BundleFault(
      `${what}: the statement's challenge is not the entry's approval.challenge`,
    );
  await checkAssertion(link, challenge, approverId, opts, what);
  return approver;
}
