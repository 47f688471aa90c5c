/**
 * Check 1, `statement`: act and dsp are the hashes of the bundle's action and
 * display, the statement is the one the receipt's claims rebuild, and sub and
 * act are the caller's when given.
 */
import { canonicalJson } from '../internal/canonical-json.ts';
import { hashAction } from '../receipt/hash-action.ts';
import { hashDisplay } from '../receipt/hash-display.ts';
import { BundleFault, isObject, member } from './bundle-parts.ts';
import type { CheckedOptions } from './options.ts';
import { sha256B64url } from '../internal/sha256-b64url.ts';

const MEMBERS = new Set(['v', 'iss', 'aud', 'sub', 'act', 'dsp', 'nonce']);

function statementOf(bundle: unknown): Record<string, unknown> {
  const statement = member(bundle, 'statement');
  if (!isObject(statement) || statement.v !== 1)
    throw new BundleFault('statement is not a v1 statement');
  for (const key of Object.keys(statement))
    if (!MEMBERS.has(key)) throw new BundleFault(`statement has an unknown member "${key}"`);
  for (const key of ['iss', 'aud', 'sub', 'act', 'nonce'])
    if (typeof statement[key] !== 'string')
      throw new BundleFault(`statement.${key} is not a string`);
  return statement;
}

export async function checkStatement(
  bundle: unknown,
  claims: Record<string, unknown>,
  opts: CheckedOptions,
): Promise<void> {
  const statement = statementOf(bundle);
  const action = member(bundle, 'action');
  if (!isObject(action)) throw new BundleFault('action is not an object');
  if (statement.act !== (await hashAction(action)))
    throw new BundleFault('statement.act is not the actionHash of action');
  const display = isObject(bundle) ? bundle.display : undefined;
  if (display === undefined || display === null) {
    if (statement.dsp !== undefined)
      throw new BundleFault('statement has a dsp but the bundle no display');
  } else if (statement.dsp !== (await hashDisplay(display))) {
    throw new BundleFault('statement.dsp is not the hash of display');
  }
  for (const key of ['iss', 'aud', 'sub', 'act', 'dsp', 'nonce']) {
    if (statement[key] !== claims[key])
      throw new BundleFault(`statement.${key} is not the receipt's ${key}`);
  }
  if (opts.subject !== undefined && statement.sub !== opts.subject)
    throw new BundleFault('statement.sub is not the given subject');
  if (opts.actionJson !== undefined && statement.act !== (await sha256B64url(opts.actionJson)))
    throw new BundleFault('statement.act is not the actionHash of the given action');
}

/** The challenge the passkey must have signed: base64url(SHA-256(UTF-8(JCS(statement)))). */
export async function expectedChallenge(bundle: unknown): Promise<string> {
  return sha256B64url(canonicalJson(statementOf(bundle)));
}
