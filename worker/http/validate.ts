import { zValidator } from '@hono/zod-validator';
import { createMiddleware } from 'hono/factory';
import type { ZodType } from 'zod';
import { PseaError } from '../errors';

const JSON_MEDIA = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

/** Validate a JSON body; a failure is 400 `invalid_request` naming the first failing field. */
export function jsonBody<T extends ZodType>(schema: T) {
  return zValidator('json', schema, (result, c) => {
    if (!result.success) {
      // Hono reads no body unless it is declared JSON; say so rather than blame a field.
      if (!JSON_MEDIA.test(c.req.header('content-type') ?? '')) {
        throw new PseaError('invalid_request', 'content-type: must be application/json');
      }
      const issue = result.error.issues[0];
      const field = issue?.path.length ? issue.path.join('.') : '(body)';
      throw new PseaError('invalid_request', `${field}: ${issue?.message ?? 'invalid'}`);
    }
  });
}

/**
 * Browser POST routes also take JSON sent as `text/plain`: a CORS "simple"
 * request needs no preflight, so an embedded widget's verify is one round
 * trip. The ticket, not a cookie, is the authorisation, so this opens no CSRF path.
 */
export const textPlainAsJson = createMiddleware(async (c, next) => {
  if (/^text\/plain\s*(;|$)/i.test(c.req.header('content-type') ?? '')) {
    const headers = new Headers(c.req.raw.headers);
    headers.set('content-type', 'application/json');
    c.req.raw = new Request(c.req.raw, { headers });
  }
  await next();
});
