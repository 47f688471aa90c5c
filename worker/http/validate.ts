import type { MiddlewareHandler } from 'hono';
import type { z, ZodType } from 'zod';
import type { AppEnv } from '../env';
import { PseaError } from '../errors';

const JSON_MEDIA = /^application\/([\w.-]+\+)?json\s*(;|$)/i;
const TEXT_PLAIN = /^text\/plain\s*(;|$)/i;

export interface JsonBodyOptions {
  /**
   * Also take JSON sent as `text/plain`, for the browser POST routes: a CORS
   * "simple" request needs no preflight, so an embedded widget's verify is one
   * round trip. The ticket, not a cookie, is the authorisation, so this opens
   * no CSRF path.
   */
  textPlain?: boolean;
}

/**
 * Read, parse and validate a JSON body in one step; any failure is 400
 * `invalid_request` naming the first failing field. Our own rather than
 * @hono/zod-validator: that one reads only bodies labelled JSON, so
 * `text/plain` meant copying the Request, and the verify route paid for it
 * (bench/README.md, figure 1). The body limit still applies: its error passes through.
 */
export function jsonBody<T extends ZodType>(
  schema: T,
  options: JsonBodyOptions = {},
): MiddlewareHandler<AppEnv, string, { in: { json: z.input<T> }; out: { json: z.output<T> } }> {
  return async (c, next) => {
    const type = c.req.header('content-type') ?? '';
    if (!JSON_MEDIA.test(type) && !(options.textPlain && TEXT_PLAIN.test(type))) {
      throw new PseaError('invalid_request', 'content-type: must be application/json');
    }
    const text = await c.req.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new PseaError('invalid_request', 'malformed JSON body');
    }
    const result = schema.safeParse(body);
    if (!result.success) {
      const issue = result.error.issues[0];
      const field = issue?.path.length ? issue.path.join('.') : '(body)';
      throw new PseaError('invalid_request', `${field}: ${issue?.message ?? 'invalid'}`);
    }
    c.req.addValidatedData('json', result.data as object);
    await next();
  };
}
