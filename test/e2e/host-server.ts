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
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

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

function hostPage(service: string, kind: string, ticket: string, twice: boolean, theme: boolean): string {
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

export function startHostServer(port: number, service: string): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://localhost:${port}`);
    if (url.pathname === '/embed') {
      const body = hostPage(service, url.searchParams.get('kind') ?? 'approve', url.searchParams.get('ticket') ?? '', url.searchParams.has('twice'), url.searchParams.has('theme'));
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(body);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}
