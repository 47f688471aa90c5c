/**
 * The two kinds of call the client's methods share beyond a plain request:
 * a status read that must answer a known state, and a create that carries one
 * `Idempotency-Key` for every try.
 */
import { PseaError } from './errors.ts';
import { request, type Transport } from './request.ts';
import type { CreateOptions, StatusOptions } from './options.ts';
import type { EvidenceOptions } from './types.ts';

/** The states an action's status answers with, and a quorum's. */
export const STATES: ReadonlySet<string> = new Set(['pending', 'approved', 'expired', 'burned']);
export const QUORUM_STATES: ReadonlySet<string> = new Set([...STATES, 'cancelled']);

/** A bearer token as it may go in a header: visible ASCII only, so a CR or LF in it can never add a header. */
export function bearer(token: unknown, name: string): string {
  if (typeof token !== 'string' || !/^[\x21-\x7e]+$/.test(token))
    throw new PseaError('invalid_options', `${name} must be a non-empty string of visible ASCII`);
  return token;
}

/**
 * `GET path[?wait=S]` with the API key (`apiKey()`) or the `statusToken`; the answer's `state` must
 * be one of `states`, else `invalid_response`. Retried on 503, as every GET is.
 */
export async function statusRequest<T extends { state: string }>(
  transport: Transport,
  path: string,
  apiKey: () => string,
  options: StatusOptions,
  states: ReadonlySet<string>,
): Promise<T> {
  const query =
    options.wait === undefined ? '' : `?wait=${encodeURIComponent(String(options.wait))}`;
  const token =
    options.statusToken === undefined ? apiKey() : bearer(options.statusToken, 'statusToken');
  const answer = await request<T>(transport, {
    method: 'GET',
    path: path + query,
    token,
    signal: options.signal,
  });
  if (typeof answer?.state !== 'string' || !states.has(answer.state))
    throw new PseaError('invalid_response', 'status answer without a known state', { status: 200 });
  return answer;
}

/** A create: one `Idempotency-Key` for every try of this call, so a retry never makes a second object. */
export function createRequest<T>(
  transport: Transport,
  token: string,
  path: string,
  body: unknown,
  options: CreateOptions = {},
): Promise<T> {
  const idempotencyKey = options.idempotencyKey ?? crypto.randomUUID();
  if (typeof idempotencyKey !== 'string' || !/^[\x20-\x7e]{1,255}$/.test(idempotencyKey)) {
    throw new PseaError(
      'invalid_options',
      'idempotencyKey must be 1 to 255 printable ASCII characters',
    );
  }
  return request<T>(transport, {
    method: 'POST',
    path,
    token,
    body,
    signal: options.signal,
    idempotencyKey,
  });
}

/** The evidence route's query: `?since=N` and `attestation=1` when asked for, else nothing. */
export function evidenceQuery(options: EvidenceOptions): string {
  const query = new URLSearchParams();
  if (options.since !== undefined) query.set('since', String(options.since));
  if (options.attestation) query.set('attestation', '1');
  return query.toString() === '' ? '' : `?${query}`;
}
