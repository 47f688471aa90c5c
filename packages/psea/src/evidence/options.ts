/** verifyEvidence's options, checked before the bundle is looked at. */
import {
  CUSTODY_ROOTS,
  parseVerifierKey,
  openNote,
  type NoteVerifier,
  type OpenedNote,
} from '../log/index.ts';
import { canonicalJson } from '../internal/canonical-json.ts';
import { EvidenceError } from './errors.ts';
import type { VerifyEvidenceOptions } from './types.ts';

const KNOWN = new Set([
  'rpId',
  'origins',
  'logKey',
  'knownCheckpoint',
  'jwks',
  'roots',
  'subject',
  'action',
  'custodyRoots',
  'allowUnanchored',
]);

export interface CheckedOptions {
  rpId: string;
  origins: ReadonlySet<string>;
  logKeys: NoteVerifier[];
  knownCheckpoint: string | undefined;
  jwks: VerifyEvidenceOptions['jwks'];
  roots: string[] | undefined;
  subject: string | undefined;
  /** JCS of the caller's action. */
  actionJson: string | undefined;
  custodyRoots: readonly string[];
  allowUnanchored: boolean;
  /** openNote under logKeys, once per note text in this call: the known checkpoint is opened here and again by checks 6 and 8. */
  openNote: (note: string) => Promise<OpenedNote>;
}

const bad = (why: string) => new EvidenceError(why);
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export async function checkOptions(options: VerifyEvidenceOptions): Promise<CheckedOptions> {
  if (!isObject(options)) throw bad('options are required');
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) throw bad(`unknown option "${key}"`);
  if (typeof options.rpId !== 'string' || options.rpId === '')
    throw bad('rpId must be a non-empty string');
  if (
    !Array.isArray(options.origins) ||
    options.origins.length === 0 ||
    !options.origins.every((o) => typeof o === 'string' && o !== '')
  ) {
    throw bad('origins must be a non-empty array of origins');
  }
  const keyTexts = typeof options.logKey === 'string' ? [options.logKey] : options.logKey;
  if (!Array.isArray(keyTexts) || keyTexts.length === 0)
    throw bad('logKey must be a pinned verifier key string, or several');
  const logKeys: NoteVerifier[] = [];
  for (const text of keyTexts) {
    try {
      logKeys.push(await parseVerifierKey(String(text)));
    } catch (err) {
      throw bad(`logKey: ${(err as Error).message}`);
    }
  }
  const notes = new Map<string, Promise<OpenedNote>>();
  const openOnce = (note: string): Promise<OpenedNote> => {
    let found = notes.get(note);
    if (!found) notes.set(note, (found = openNote(note, logKeys)));
    return found;
  };
  if (options.knownCheckpoint !== undefined) {
    if (typeof options.knownCheckpoint !== 'string')
      throw bad('knownCheckpoint must be a checkpoint note');
    try {
      await openOnce(options.knownCheckpoint);
    } catch (err) {
      throw bad(`knownCheckpoint does not verify under logKey: ${(err as Error).message}`);
    }
  }
  const jwks = options.jwks;
  if (
    jwks !== undefined &&
    !(jwks instanceof URL) &&
    !(typeof jwks === 'string' && /^https?:\/\//.test(jwks)) &&
    !(isObject(jwks) && Array.isArray(jwks.keys))
  ) {
    throw bad('jwks must be a JWK Set ({ keys: [...] }) or its URL');
  }
  if (
    options.roots !== undefined &&
    (!Array.isArray(options.roots) || !options.roots.every((r) => typeof r === 'string'))
  ) {
    throw bad('roots must be an array of PEM certificates');
  }
  if (
    options.subject !== undefined &&
    (typeof options.subject !== 'string' || options.subject === '')
  )
    throw bad('subject must be a non-empty string');
  let actionJson: string | undefined;
  if ('action' in options && options.action !== undefined) {
    if (!isObject(options.action)) throw bad('action must be the action object');
    try {
      actionJson = canonicalJson(options.action);
    } catch (err) {
      throw bad(`action: ${(err as Error).message}`);
    }
  }
  const custodyRoots = options.custodyRoots ?? ['first'];
  const rootNames: readonly string[] = CUSTODY_ROOTS;
  if (
    !Array.isArray(custodyRoots) ||
    custodyRoots.length === 0 ||
    !custodyRoots.every((r) => rootNames.includes(r))
  ) {
    throw bad(`custodyRoots must be a non-empty array of ${CUSTODY_ROOTS.join(', ')}`);
  }
  if (options.allowUnanchored !== undefined && typeof options.allowUnanchored !== 'boolean')
    throw bad('allowUnanchored must be a boolean');
  return {
    openNote: openOnce,
    custodyRoots: [...custodyRoots],
    allowUnanchored: options.allowUnanchored === true,
    rpId: options.rpId,
    origins: new Set(options.origins),
    logKeys,
    knownCheckpoint: options.knownCheckpoint,
    jwks,
    roots: options.roots ? [...options.roots] : undefined,
    subject: options.subject,
    actionJson,
  };
}
