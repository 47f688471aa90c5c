/**
 * Every call from the Worker to a Durable Object, with one rule for when it
 * fails below the service (docs/security.md ("Service hygiene")):
 *
 * - A read whose error has `retryable` set, and not `overloaded`, is tried
 *   once more on a fresh stub (a stub that has thrown is broken for good).
 *   Reads: `actionStatus`, `ticketUsable`, `listCredentials`,
 *   `enrollmentOptions`, `actionDetails` (its only write is to memory).
 * - Anything else that the runtime raised (a write, `overloaded`, a second
 *   failure, a reset object, a lost connection) is 503 `unavailable` with
 *   `Retry-After`, and a log line. A write is never retried here: it may
 *   have committed. The client's retry is safe instead: a verify posted again
 *   with the same body is told the receipt it may have missed.
 * - An error thrown by our own object code (`remote`, with none of the
 *   runtime's flags) is a bug, and stays the logged generic 500.
 *
 * The runtime already retries, by itself, calls that never reached the
 * object; what reaches us has failed that too.
 */
import type { Env } from '../env';
import { asProblem, ProblemError } from '../errors';
import type { Outcome } from '../vault/types';
import { unwrap } from './outcome';

/** What the Durable Object runtime sets on the errors it raises. */
interface RuntimeFlags {
  retryable?: unknown;
  overloaded?: unknown;
  durableObjectReset?: unknown;
  remote?: unknown;
}

const flags = (err: unknown): RuntimeFlags =>
  typeof err === 'object' && err !== null ? (err as RuntimeFlags) : {};

/** Whether a failed call was the runtime's doing rather than our object code throwing. */
function isRuntimeFailure(err: unknown): boolean {
  if (asProblem(err)) return false;
  const f = flags(err);
  return (
    f.retryable === true ||
    f.overloaded === true ||
    f.durableObjectReset === true ||
    f.remote !== true
  );
}

/** Whether one more try of a read may help (the runtime says so, and the object is not overloaded). */
const mayRetry = (err: unknown): boolean =>
  flags(err).retryable === true && flags(err).overloaded !== true;

/** The problem for a runtime failure of `method`, logged without anything the caller sent. */
function unavailable(method: string, err: unknown, attempts: number): ProblemError {
  const f = flags(err);
  const name = err instanceof Error ? err.name : typeof err;
  const message = err instanceof Error ? err.message.slice(0, 200) : '';
  console.error(
    `[psea] unavailable: ${method} failed after ${attempts} attempt(s): ${name}: ${message}` +
      ` (retryable=${f.retryable === true}, overloaded=${f.overloaded === true}, reset=${f.durableObjectReset === true})`,
  );
  return new ProblemError('unavailable', 'a storage call failed; try again');
}

/**
 * Run `call` on a stub; on a runtime failure, retry once on `reopen()` when
 * `read` and the error allows it, else throw 503 `unavailable`.
 */
export async function callObject<S, T>(
  method: string,
  read: boolean,
  stub: S,
  reopen: () => S,
  call: (stub: S) => Promise<T>,
): Promise<T> {
  try {
    return await call(stub);
  } catch (err) {
    if (!isRuntimeFailure(err)) throw err;
    if (!read || !mayRetry(err)) throw unavailable(method, err, 1);
    try {
      return await call(reopen());
    } catch (again) {
      if (!isRuntimeFailure(again)) throw again;
      throw unavailable(method, again, 2);
    }
  }
}

/** A user's vault stub, typed through Env (a type-only tie, so no import circle). */
type Vault = ReturnType<Env['VAULT']['get']>;

/** A read of the user's vault: retried once on a fresh stub when the runtime allows it; the outcome unwrapped. */
export async function readVault<T>(
  env: Env,
  vault: Vault,
  method: string,
  call: (vault: Vault) => Promise<Outcome<T>>,
): Promise<T> {
  return unwrap(await callObject(method, true, vault, () => env.VAULT.get(vault.id), call));
}

/** A write to the user's vault: never retried here (it may have committed); the outcome unwrapped. */
export async function writeVault<T>(
  env: Env,
  vault: Vault,
  method: string,
  call: (vault: Vault) => Promise<Outcome<T>>,
): Promise<T> {
  return unwrap(await callObject(method, false, vault, () => env.VAULT.get(vault.id), call));
}
