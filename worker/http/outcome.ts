import { ProblemError } from '../errors';
import type { Outcome } from '../vault/types';

/** Unwrap a vault RPC result, re-throwing its problem as a typed error. */
export function unwrap<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new ProblemError(outcome.problem.code, outcome.problem.detail, outcome.problem.extensions);
  return outcome.value;
}

/** `2026-11-22T10:00:00Z`: whole seconds, as SPEC shows. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
