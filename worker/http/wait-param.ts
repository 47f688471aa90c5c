import type { Context } from 'hono';
import type { AppEnv } from '../env';
import { ProblemError } from '../errors';

/** The longest long poll (docs/api.md: 0 ≤ S ≤ 60). */
const MAX_WAIT_SECONDS = 60;

/** `?wait=S`, whole seconds from 0 to 60, default 0; anything else (twice, a fraction, empty) is 400. */
export function waitSeconds(c: Context<AppEnv>): number {
  const values = c.req.queries('wait');
  if (!values) return 0;
  const [raw] = values;
  if (
    values.length !== 1 ||
    raw === undefined ||
    !/^\d{1,2}$/.test(raw) ||
    Number(raw) > MAX_WAIT_SECONDS
  ) {
    throw new ProblemError('invalid_request', `wait: whole seconds from 0 to ${MAX_WAIT_SECONDS}`);
  }
  return Number(raw);
}
