import { asProblem, CEREMONY_FAILURES, ProblemError, type ProblemCode } from '../errors';
import type { Outcome } from './types';

/**
 * Run a vault method and answer with an Outcome: a ProblemError (or the library's WebAuthnError) becomes its
 * problem (code, detail, extensions), anything else is thrown on.
 */
export async function outcome<T>(run: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (err) {
    const problem = asProblem(err);
    if (problem) {
      const { code, detail, extensions } = problem;
      return {
        ok: false,
        problem: {
          code,
          ...(detail === undefined ? {} : { detail }),
          ...(extensions ? { extensions } : {}),
        },
      };
    }
    throw err;
  }
}

/** Run a ceremony on the ticket `open` returns; a failed check (422) calls `failed` with its code, which counts it against the ticket. */
export function ceremony<R, T>(
  open: () => R,
  run: (ticket: R) => Promise<T>,
  failed: (ticket: R, code: ProblemCode) => void,
): Promise<Outcome<T>> {
  return outcome(async () => {
    const ticket = open();
    try {
      return await run(ticket);
    } catch (err) {
      const problem = asProblem(err);
      if (problem && CEREMONY_FAILURES.has(problem.code)) failed(ticket, problem.code);
      throw err;
    }
  });
}

/** The caller's side: unwrap a vault RPC result, re-throwing its problem as a typed error. */
export function unwrap<T>(outcome: Outcome<T>): T {
  if (!outcome.ok)
    throw new ProblemError(
      outcome.problem.code,
      outcome.problem.detail,
      outcome.problem.extensions,
    );
  return outcome.value;
}
