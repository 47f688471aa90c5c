/**
 * Body limits (docs/api.md "Limits"): 64 KiB on every route, except
 * `POST /v1/actions`, which takes a batch of up to 4 MiB; there a body over
 * 64 KiB without a top-level `batch` is still 413. Each checked before
 * anything parses a body (body-limit.ts reads it bounded): the second reads
 * the text the first let through.
 */
import type { MiddlewareHandler } from 'hono';
import { isApiKey } from '../config';
import type { AppEnv } from '../env';
import { ProblemError, problemResponse } from '../errors';
import { bodyLimit } from './body-limit';
import { earlyCorsHeaders } from './browser-cors';

const MAX_BODY_BYTES = 64 * 1024;
const MAX_BATCH_BODY_BYTES = 4 * 1024 * 1024;

const tooLarge = (detail: string) => new ProblemError('payload_too_large', detail);

const small = bodyLimit(MAX_BODY_BYTES, (c, detail) =>
  problemResponse(tooLarge(detail), earlyCorsHeaders(c)),
);
// The limit's own detail names 64 KiB, its usual size.
const large = bodyLimit(MAX_BATCH_BODY_BYTES, (c, detail) =>
  problemResponse(tooLarge(detail.replace('64 KiB', '4 MiB')), earlyCorsHeaders(c)),
);

/** 4 MiB for `POST /v1/actions`, 64 KiB for everything else. */
export const bodyLimits: MiddlewareHandler<AppEnv> = (c, next) =>
  (c.req.method === 'POST' && c.req.path === '/v1/actions' ? large : small)(c, next);

/** UTF-8 bytes of a string without encoding it: 1 to 3 per UTF-16 unit, 4 per surrogate pair. */
function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    n +=
      u < 0x80
        ? 1
        : u < 0x800
          ? 2
          : u >= 0xd800 && u <= 0xdbff
            ? 2
            : u >= 0xdc00 && u <= 0xdfff
              ? 2
              : 3;
  }
  return n;
}

/**
 * On `POST /v1/actions`, before the API key check as every body limit is: a
 * body over 64 KiB must be a batch (an object with its own `batch`), and only
 * a caller with an API key gets one parsed.
 */
export const refuseUnbatchedOver64KiB: MiddlewareHandler<AppEnv> = async (c, next) => {
  const text = await c.req.text();
  if (
    text.length > MAX_BODY_BYTES ||
    (text.length > MAX_BODY_BYTES / 3 && utf8Length(text) > MAX_BODY_BYTES)
  ) {
    const key = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (key === undefined || !(await isApiKey(c.env, key))) throw tooLarge('body over 64 KiB');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw tooLarge('body over 64 KiB');
    }
    if (
      typeof body !== 'object' ||
      body === null ||
      Array.isArray(body) ||
      !Object.hasOwn(body, 'batch')
    ) {
      throw tooLarge('body over 64 KiB without a batch');
    }
  }
  await next();
};
