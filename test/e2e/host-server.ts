/**
 * A real loopback HTTP server for host pages that embed the widget. Chromium
 * treats pages made with setContent or request interception as public
 * address space and then refuses their requests to localhost, so the host
 * page must come from a real origin: http://localhost:<port>.
 *
 *   GET /embed?kind=approve&ticket=…   a host page with <psea-approve> (or enroll)
 *
 * The page loads widget.js from the service (tests record events with an
 * init script), and can load it twice (`&twice`) to prove that is harmless.
 * `&theme` adds host-side theming through custom properties and ::part.
 *
 *   GET /offline        a host page with <psea-approve offline>, its bundle and
 *                       action from localStorage (the host keeps them for offline use)
 *   GET /offline-sw.js  its service worker: the page and the widget's scripts from
 *                       the cache when the network is gone (docs/offline.md)
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function hostPage(
  service: string,
  kind: string,
  ticket: string,
  twice: boolean,
  theme: boolean,
): string {
  const tag = kind === 'enroll' ? 'psea-enroll' : 'psea-approve';
  const script = `<script type="module" src="${esc(service)}/widget.js"></script>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Host app</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px system-ui;margin:2rem;background:#f6f7f9;color:#111}${theme ? `${tag}{--psea-accent:#6d28d9;--psea-radius:4px}${tag}::part(action){text-transform:uppercase;letter-spacing:.04em}` : ''}</style>
${script}${twice ? `<script type="module" src="${esc(service)}/widget.js?again"></script>` : ''}
</head><body><main><h1>Host app</h1><p>An app on another allowed origin that embeds the widget.</p>
<${tag} endpoint="${esc(service)}" ticket="${esc(ticket)}"></${tag}>
</main></body></html>`;
}

/**
 * The offline page's bundle, action and display are in localStorage under
 * `psea-offline-host` (the test plays the host backend and puts them there),
 * so the page, served from the service worker's cache, sets them offline too.
 */
function offlinePage(service: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Host app, offline</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px system-ui;margin:2rem;background:#f6f7f9;color:#111}</style>
<script type="module" src="${esc(service)}/widget.js"></script>
<script type="module">
const el = document.querySelector('psea-approve');
const kept = JSON.parse(localStorage.getItem('psea-offline-host') || 'null');
if (kept) Object.assign(el, kept);
navigator.serviceWorker.register('/offline-sw.js');
</script>
</head><body><main><h1>Host app</h1><p>Approvals work here with no network.</p>
<psea-approve offline endpoint="${esc(service)}"></psea-approve>
</main></body></html>`;
}

/**
 * Network first, the cache when there is no network: the page, widget.js and
 * the widget's offline part, each as last fetched. Never an API call: the
 * widget keeps its own queue, and a proof must not be answered from a cache.
 * A response from the cache says so in `x-from-cache`, for the tests.
 */
const OFFLINE_SW = `
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (e) => {
  const url = new URL(e.request.url);
  if (e.request.method !== 'GET' || url.pathname.startsWith('/v1/')) return;
  e.respondWith((async () => {
    const cache = await caches.open('host-offline');
    try {
      const res = await fetch(e.request);
      if (res.ok) await cache.put(e.request, res.clone());
      return res;
    } catch (err) {
      const hit = await cache.match(e.request);
      if (!hit) throw err;
      const headers = new Headers(hit.headers);
      headers.set('x-from-cache', '1');
      return new Response(await hit.blob(), { status: hit.status, headers });
    }
  })());
});
`;

/** Where test/e2e/package-widget.test.ts writes the host app's bundle of `psea/widget`. */
export const BUNDLED_JS = join(tmpdir(), 'psea-e2e-bundled-widget.js');

function bundledPage(service: string, ticket: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Host app, bundled</title>
<script type="module" src="/bundled.js"></script>
</head><body><main><h1>Host app</h1>
<psea-approve endpoint="${esc(service)}" ticket="${esc(ticket)}"></psea-approve>
</main></body></html>`;
}

export function startHostServer(port: number, service: string): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://localhost:${port}`);
    if (url.pathname === '/embed') {
      const body = hostPage(
        service,
        url.searchParams.get('kind') ?? 'approve',
        url.searchParams.get('ticket') ?? '',
        url.searchParams.has('twice'),
        url.searchParams.has('theme'),
      );
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
      });
      res.end(body);
      return;
    }
    if (url.pathname === '/bundled') {
      // A host page that bundles its own scripts: psea/widget from the installed package.
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
      });
      res.end(bundledPage(service, url.searchParams.get('ticket') ?? ''));
      return;
    }
    if (url.pathname === '/bundled.js') {
      res.writeHead(200, {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'no-store',
      });
      res.end(readFileSync(BUNDLED_JS));
      return;
    }
    if (url.pathname === '/offline') {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
      });
      res.end(offlinePage(service));
      return;
    }
    if (url.pathname === '/offline-sw.js') {
      res.writeHead(200, {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'no-store',
      });
      res.end(OFFLINE_SW);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}
