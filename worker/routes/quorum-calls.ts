/**
 * Calls from the Worker to a quorum's object, with the vault calls' rule for
 * failures below the service (http/vault-call.ts): a read is retried once
 * when the runtime allows it, anything else is 503 `unavailable`.
 */
import type { Env } from '../env';
import { ProblemError } from '../errors';
import { unwrap } from '../vault/outcome';
import { callObject } from '../vault/object-call';
import type { Quorum } from '../quorum/quorum-object';
import type { Outcome } from '../vault/types';

type QuorumStub = DurableObjectStub<Quorum>;

const QUORUM_ID = /^[0-9a-f]{64}$/;

/** The quorum's object; anything that is not one of this namespace's ids is 404 `quorum_not_found`. */
export function quorumStub(env: Env, id: string): QuorumStub {
  if (!QUORUM_ID.test(id)) throw new ProblemError('quorum_not_found');
  try {
    return env.QUORUMS.get(env.QUORUMS.idFromString(id));
  } catch {
    throw new ProblemError('quorum_not_found');
  }
}

export async function readQuorum<T>(
  env: Env,
  stub: QuorumStub,
  method: string,
  call: (q: QuorumStub) => Promise<Outcome<T>>,
): Promise<T> {
  return unwrap(await callObject(method, true, stub, () => env.QUORUMS.get(stub.id), call));
}

export async function writeQuorum<T>(
  env: Env,
  stub: QuorumStub,
  method: string,
  call: (q: QuorumStub) => Promise<Outcome<T>>,
): Promise<T> {
  return unwrap(await callObject(method, false, stub, () => env.QUORUMS.get(stub.id), call));
}
