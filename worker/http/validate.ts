import type { Context, MiddlewareHandler } from 'hono';
import type { z, ZodType } from 'zod';
import type { AppEnv } from '../env';
import { ProblemError } from '../errors';

const JSON_MEDIA = /^application\/([\w.-]+\+)?json\s*(;|$)/i;
const TEXT_PLAIN = /^text\/plain\s*(;|$)/i;

/**
 * Deepest nesting a body may have. Far beyond any real action or WebAuthn
 * response, and far below where copying a value to a Durable Object or
 * canonicalising it runs out of stack (a few thousand levels fit in 64 KiB).
 */
const MAX_JSON_DEPTH = 32;

/** The top-level member under which `value` nests deeper than `limit` (the body is level 1), or undefined. Iterative: the input may be thousands of levels deep. */
export function tooDeep(value: unknown, limit = MAX_JSON_DEPTH): string | undefined {
  const stack: [unknown, number, string][] = [[value, 1, '(body)']];
  while (stack.length > 0) {
    const [v, depth, top] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > limit) return top;
    const named = depth === 1 && !Array.isArray(v);
    for (const [key, child] of Object.entries(v)) stack.push([child, depth + 1, named ? key : top]);
  }
  return undefined;
}

export interface JsonBodyOptions {
  /**
   * Also take JSON sent as `text/plain`, for the browser POST routes: a CORS
   * "simple" request needs no preflight, so an embedded widget's verify is one
   * round trip. The ticket, not a cookie, is the authorisation, so this opens
   * no CSRF path.
   */
  textPlain?: boolean;
  /**
   * Runs before a 400 is answered, and may throw a problem of its own in its
   * place: a ticket route answers for a ticket that can no longer be used
   * first, so a burned ticket gets 429 on every post (docs/api.md).
   */
  beforeInvalid?: (c: Context<AppEnv>) => Promise<void>;
}

/** What a `jsonBody` middleware validates with: the schema itself, and whether it takes `text/plain`. */
export interface BodyContract {
  schema: ZodType;
  textPlain: boolean;
}

const CONTRACTS = new WeakMap<object, BodyContract>();

/**
 * The contract of a mounted `jsonBody` middleware (`app.routes[i].handler`),
 * or undefined for any other handler: the OpenAPI test reads it off the routes
 * the app really mounts, so the document cannot describe another schema.
 */
export function bodyContractOf(handler: unknown): BodyContract | undefined {
  return typeof handler === 'function' ? CONTRACTS.get(handler) : undefined;
}

/**
 * Read, parse and validate a JSON body in one step; any failure is 400
 * `invalid_request` naming the first failing field. Our own rather than
 * @hono/zod-validator: that one reads only bodies labelled JSON, so
 * `text/plain` meant copying the Request, and the verify route paid for it
 * (docs/performance.md, figure 1). The body limit still applies: its error passes through.
 */
export function jsonBody<T extends ZodType>(
  schema: T,
  options: JsonBodyOptions = {},
): MiddlewareHandler<AppEnv, string, { in: { json: z.input<T> }; out: { json: z.output<T> } }> {
  const invalid = async (c: Context<AppEnv>, detail: string): Promise<never> => {
    await options.beforeInvalid?.(c);
    throw new ProblemError('invalid_request', detail);
  };
  const middleware: MiddlewareHandler<
    AppEnv,
    string,
    { in: { json: z.input<T> }; out: { json: z.output<T> } }
  > = async (c, next) => {
    const type = c.req.header('content-type') ?? '';
    if (!JSON_MEDIA.test(type) && !(options.textPlain && TEXT_PLAIN.test(type))) {
      return invalid(c, 'content-type: must be application/json');
    }
    const text = await c.req.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return invalid(c, 'malformed JSON body');
    }
    const deep = tooDeep(body);
    if (deep !== undefined)
      return invalid(c, `${deep}: nested deeper than ${MAX_JSON_DEPTH} levels`);
    const result = schema.safeParse(body);
    if (!result.success) {
      const issue = result.error.issues[0];
      const field = issue?.path.length ? issue.path.join('.') : '(body)';
      return invalid(c, `${field}: ${issue?.message ?? 'invalid'}`);
    }
    c.req.addValidatedData('json', result.data as object);
    await next();
  };
  CONTRACTS.set(middleware, { schema, textPlain: options.textPlain ?? false });
  return middleware;
}
