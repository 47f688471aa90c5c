/**
 * A proof as it arrives (from IndexedDB, a QR code, a file), checked for
 * shape before anything is hashed or verified: `{ action, display?,
 * statement, assertion }` with every member typed. A proof whose shape is
 * wrong is `invalid_request`, the docs/api.md's code for a malformed body.
 */
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { OfflineProofError } from './errors.ts';
import type { OfflineProof, OfflineStatement } from './types.ts';

const STATEMENT_MEMBERS = new Set([
  'v',
  'iss',
  'aud',
  'sub',
  'act',
  'dsp',
  'nonce',
  'mode',
  'signed_at',
]);
const PROOF_MEMBERS = new Set(['action', 'display', 'statement', 'assertion']);

const malformed = (why: string) => new OfflineProofError('invalid_request', `proof: ${why}`);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function statementOf(value: unknown): OfflineStatement {
  if (!isObject(value)) throw malformed('statement must be an object');
  // Members the service never writes would be signed too, but no verifier would read them: refuse them.
  for (const key of Object.keys(value))
    if (!STATEMENT_MEMBERS.has(key)) throw malformed(`statement has an unknown member "${key}"`);
  for (const key of ['iss', 'aud', 'sub', 'act', 'nonce', 'mode'] as const) {
    if (typeof value[key] !== 'string') throw malformed(`statement.${key} must be a string`);
  }
  if (value.dsp !== undefined && typeof value.dsp !== 'string')
    throw malformed('statement.dsp must be a string when present');
  if (value.v !== 1) throw malformed('statement.v must be 1');
  // The device's clock, only claimed; still a number, or it would not rebuild the same JCS.
  if (typeof value.signed_at !== 'number' || !Number.isFinite(value.signed_at))
    throw malformed('statement.signed_at must be a number');
  return value as unknown as OfflineStatement;
}

function assertionOf(value: unknown): AuthenticationResponseJSON {
  if (!isObject(value)) throw malformed('assertion must be an object');
  if (typeof value.id !== 'string' || typeof value.rawId !== 'string')
    throw malformed('assertion.id and rawId must be strings');
  if (value.type !== 'public-key') throw malformed('assertion.type must be "public-key"');
  const response = value.response;
  if (!isObject(response)) throw malformed('assertion.response must be an object');
  for (const key of ['clientDataJSON', 'authenticatorData', 'signature'] as const) {
    if (typeof response[key] !== 'string')
      throw malformed(`assertion.response.${key} must be a string`);
  }
  return value as unknown as AuthenticationResponseJSON;
}

/** Check the proof's shape and return it typed. */
export function proofOf(value: unknown): OfflineProof {
  if (!isObject(value)) throw malformed('must be an object');
  for (const key of Object.keys(value))
    if (!PROOF_MEMBERS.has(key)) throw malformed(`unknown member "${key}"`);
  const { action, display } = value;
  if (!isObject(action) || typeof action.type !== 'string')
    throw malformed('action must be an object with a string type');
  if (display !== undefined && !isObject(display))
    throw malformed('display must be an object when present');
  const proof: OfflineProof = {
    action: action as OfflineProof['action'],
    statement: statementOf(value.statement),
    assertion: assertionOf(value.assertion),
  };
  if (display !== undefined) proof.display = display;
  return proof;
}
