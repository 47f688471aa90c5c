/**
 * `psea/client` as a backend installs it: the package subpath resolves to the
 * bundle `npm run build` writes (packages/psea/dist/client.js), which imports nothing
 * but `standardwebhooks` (no `node:*`, no `cloudflare:*`, so Deno, Bun and
 * Workers load it as Node does), and which works in a plain Node process,
 * outside vitest's transforms: a retried 503, a status, a webhook verified.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Every module specifier a bundle imports, statically or dynamically. */
function specifiers(source: string): string[] {
  const found = new Set<string>();
  for (const m of source.matchAll(
    /\b(?:import|export)\b[^'"`;]*?\bfrom\s*["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)|^\s*import\s*["']([^"']+)["']/gm,
  )) {
    found.add((m[1] ?? m[2] ?? m[3])!);
  }
  return [...found].sort();
}

/** Run in a child `node`: a loopback service that answers 503 once, then the status; and a signed webhook. */
const SCRIPT = `
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { PseaClient, PseaError, verifyWebhook } from 'psea/client';
let hits = 0;
const seen = [];
const server = createServer((req, res) => {
  seen.push(req.method + ' ' + req.url + ' ' + req.headers.authorization);
  if (++hits === 1) { res.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '0' }); return res.end(JSON.stringify({ type: 'about:blank', status: 503, title: 'Service unavailable', code: 'unavailable' })); }
  if (req.url.startsWith('/v1/actions/t1/status')) { res.writeHead(200, { 'content-type': 'application/json' }); return res.end(JSON.stringify({ state: 'approved', receipt: 'jwt' })); }
  res.writeHead(404, { 'content-type': 'application/problem+json' }); res.end(JSON.stringify({ type: 'about:blank', status: 404, title: 'Not found', code: 'ticket_not_found' }));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const psea = new PseaClient({ baseUrl: 'http://127.0.0.1:' + server.address().port, apiKey: 'key-of-forty-characters-xxxxxxxxxxxxxxxxx' });
const status = await psea.waitForApproval('t1', { timeoutMs: 600000, statusToken: 'st' });
const missing = await psea.status('nope').catch((e) => ({ isPseaError: e instanceof PseaError, code: e.code, status: e.status }));
server.close();
const secret = 'whsec_' + Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');
const body = JSON.stringify({ type: 'action.expired', actionHash: 'h', user: { id: 'u' }, checkpoint: 'c', at: 1 });
const request = new Request('https://rp.example/hook', { method: 'POST', body, headers: {
  'webhook-id': 'msg_1', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': new Webhook(secret).sign('msg_1', new Date(), body) } });
const event = await verifyWebhook(request, secret);
console.log(JSON.stringify({ resolved: import.meta.resolve('psea/client'), status, missing, event: event.type, seen }));
`;

describe('the built psea/client', () => {
  it('is the dist bundle, and imports only standardwebhooks: no node:, no cloudflare:', async () => {
    const resolved = import.meta.resolve('psea/client');
    expect(resolved).toMatch(/\/packages\/psea\/dist\/client\.js$/);
    // The subpath and the shared chunks it imports (./coded-error-….js): only standardwebhooks is bare.
    let source = await readFile(fileURLToPath(resolved), 'utf8');
    for (const chunk of specifiers(source).filter((s) => s.startsWith('./'))) {
      source += '\n' + (await readFile(fileURLToPath(new URL(chunk, resolved)), 'utf8'));
    }
    // JSDoc examples (`import … from 'psea/client'`) are comments, not imports.
    const code = source.replace(/\/\*[\s\S]*?\*\//g, '');
    expect(specifiers(code).filter((s) => !s.startsWith('./'))).toEqual(['standardwebhooks']);
    expect(source).not.toMatch(/["'](node|cloudflare):/);
    expect(source).not.toMatch(/\brequire\s*\(/);
    // The check itself finds what it looks for.
    expect(
      specifiers(`import { a } from "node:fs";\nimport("cloudflare:workers");\nimport "x";`),
    ).toEqual(['cloudflare:workers', 'node:fs', 'x']);
  });

  it('works in a plain Node process', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', SCRIPT],
      { cwd: ROOT, timeout: 30_000 },
    );
    const out = JSON.parse(stdout);
    expect(out.resolved).toMatch(/\/packages\/psea\/dist\/client\.js$/);
    expect(out.status).toEqual({ state: 'approved', receipt: 'jwt' });
    expect(out.missing).toEqual({ isPseaError: true, code: 'ticket_not_found', status: 404 });
    expect(out.event).toBe('action.expired');
    expect(out.seen).toEqual([
      'GET /v1/actions/t1/status?wait=60 Bearer st',
      'GET /v1/actions/t1/status?wait=60 Bearer st',
      'GET /v1/actions/nope/status Bearer key-of-forty-characters-xxxxxxxxxxxxxxxxx',
    ]);
  });
});
