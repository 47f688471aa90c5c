/**
 * The 64 KiB body limit (docs/api.md, "Bodies"; docs/configuration.md,
 * "Request bodies"). Hono's own bodyLimit reads a chunked body (no `Content-Length`)
 * and, past the limit, answers 413 with the stream half read. Behind
 * `wrangler dev`'s proxy that stalls the proxy: every later request waits
 * until the stalled one's client gives up. workerd served directly does not
 * stall. What the proxy survives is a body never touched, or one read to its
 * end. So:
 *
 * - `Content-Length` over the limit: 413 before a byte is read.
 * - `Transfer-Encoding` (a chunked body) without a valid API key (the browser
 *   and public routes, whose callers always send a length): 413 unread. An
 *   anonymous caller cannot make the service read a body of unknown length.
 * - Otherwise (a keyed chunked body; a Request made in the isolate, which
 *   carries neither header): read up to the limit; past it, the rest is read
 *   and dropped up to DRAIN_BYTES, then cancelled, and 413.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { isApiKey } from '../config';
import type { AppEnv } from '../env';

/** How much of an oversized keyed body is read and dropped, so the sender is left with none. */
export const DRAIN_BYTES = 4 * 1024 * 1024;

type Refuse = (c: Context<AppEnv>, detail: string) => Response;

async function keyed(c: Context<AppEnv>): Promise<boolean> {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
  // A broken API_KEYS is the route's to report (500 misconfigured), not the body limit's.
  return bearer !== undefined && (await isApiKey(c.env, bearer).catch(() => false));
}

/** Read `stream` to its end, or `max` more bytes, dropping them; then cancel what is left. */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, max: number): Promise<void> {
  let dropped = 0;
  while (dropped <= max) {
    const { done, value } = await reader.read();
    if (done) return;
    dropped += value.byteLength;
  }
  await reader.cancel('body over the limit').catch(() => undefined);
}

export function bodyLimit(maxSize: number, refuse: Refuse): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const raw = c.req.raw;
    if (!raw.body) return next();
    const chunked = raw.headers.has('transfer-encoding');
    const declared = chunked ? null : raw.headers.get('content-length');
    if (declared !== null) {
      return Number.parseInt(declared, 10) <= maxSize ? next() : refuse(c, 'body over 64 KiB');
    }
    if (chunked && !(await keyed(c)))
      return refuse(c, 'a chunked body is refused on this route: send Content-Length');
    const reader = raw.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxSize) {
        await drain(reader, DRAIN_BYTES);
        return refuse(c, 'body over 64 KiB');
      }
      chunks.push(value);
    }
    const body = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      body.set(chunk, offset);
      offset += chunk.byteLength;
    }
    c.req.raw = new Request(raw, { body });
    return next();
  };
}
