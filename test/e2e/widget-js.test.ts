/** GET /widget.js and the pages' assets: CORS *, ETag with 304, immutable when versioned. */
import { describe, expect, it } from 'vitest';
import { ctx } from './helpers';

describe('/widget.js', () => {
  it('is one ES module for any origin, revalidated by ETag', async () => {
    const res = await fetch(`${ctx.service}/widget.js`, {
      headers: { origin: 'https://anywhere.example' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]{16}"$/);
    const js = await res.text();
    expect(js).toContain('psea-approve');
    expect(js).toMatch(/\bexport\b/);

    const again = await fetch(`${ctx.service}/widget.js`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);

    const versioned = await fetch(`${ctx.service}/widget.js?v=${etag.slice(1, -1)}`);
    expect(versioned.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const stale = await fetch(`${ctx.service}/widget.js?v=not-this-one`);
    expect(stale.headers.get('cache-control')).toBe('public, max-age=300');
  });

  it('is referenced by the hosted pages with its content hash', async () => {
    const etag = (await fetch(`${ctx.service}/widget.js`)).headers.get('etag')!.slice(1, -1);
    const html = await (await fetch(`${ctx.service}/approve/t`)).text();
    expect(html).toContain(`src="/widget.js?v=${etag}"`);
    for (const [, path] of html.matchAll(/(?:src|href)="(\/pages\/[^"]+)"/g)) {
      const res = await fetch(`${ctx.service}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control'), path).toContain('immutable');
    }
  });
});
