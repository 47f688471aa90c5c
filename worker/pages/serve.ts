/** Serving the compiled assets (widget.js and the pages' scripts and styles). */
import type { Context } from 'hono';
import type { AppEnv } from '../env';

/** True when an `If-None-Match` header names `etag` (weak or strong, or `*`). */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim().replace(/^W\//, '');
    return t === '*' || t === `"${etag}"`;
  });
}

/**
 * A compiled asset. With `?v=` equal to its hash it is cached for a year
 * (the URL changes with the content); otherwise for five minutes, with an
 * ETag so a revalidation costs a 304.
 */
export function serveAsset(c: Context<AppEnv>, body: string, type: string, etag: string): Response {
  const headers: Record<string, string> = {
    'content-type': type,
    etag: `"${etag}"`,
    'access-control-allow-origin': '*',
    'cross-origin-resource-policy': 'cross-origin',
    'x-content-type-options': 'nosniff',
    'cache-control':
      c.req.query('v') === etag ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
  };
  if (matches(c.req.header('if-none-match'), etag))
    return new Response(null, { status: 304, headers });
  return new Response(c.req.method === 'HEAD' ? null : body, { headers });
}
