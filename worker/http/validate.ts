import { zValidator } from '@hono/zod-validator';
import type { ZodType } from 'zod';
import { PseaError } from '../errors';

/** Validate a JSON body; a failure is 400 `invalid_request` naming the first failing field. */
export function jsonBody<T extends ZodType>(schema: T) {
  return zValidator('json', schema, (result) => {
    if (!result.success) {
      const issue = result.error.issues[0];
      const field = issue?.path.length ? issue.path.join('.') : '(body)';
      throw new PseaError('invalid_request', `${field}: ${issue?.message ?? 'invalid'}`);
    }
  });
}
