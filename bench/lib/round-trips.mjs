/**
 * Figure 6: HTTP requests from the person's click on the approve button to
 * the `psea-approved` event, measured, not read off the source:
 *
 * Debian's Chromium (playwright-core, never a downloaded browser) with a CDP
 * virtual authenticator (CTAP2, internal, UV) talks to the workerd-served
 * bundle through a loopback counting proxy, which logs every request the
 * service receives — CORS preflights included, which the browser's own
 * request events do not show. Two pages: the hosted page /approve/:ticket
 * (same origin as the service) and a host page on another loopback origin
 * embedding <psea-approve> (cross-origin, as an RP's page does).
 */
import { request as httpRequest, createServer } from 'node:http';
import { existsSync } from 'node:fs';

function countingProxy(port, target) {
  const log = [];
  const server = createServer((req, res) => {
    log.push({
      t: performance.now(),
      method: req.method,
      path: req.url.replace(/[0-9a-f]{64}\.[A-Za-z0-9_-]{43}/g, ':ticket'),
    });
    const up = httpRequest(
      { host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers },
      (r) => {
        res.writeHead(r.statusCode, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({ server, log })));
}

function hostPage(port, service) {
  const server = createServer((req, res) => {
    const url = new URL(req.url, `http://localhost:${port}`);
    const ticket = (url.searchParams.get('ticket') ?? '').replace(/[^A-Za-z0-9._-]/g, '');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title>
<script type="module" src="${service}/widget.js"></script></head>
<body><psea-approve endpoint="${service}" ticket="${ticket}"></psea-approve></body></html>`);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

export async function roundTrips({
  psea,
  proxyPort,
  hostPort,
  apiKey,
  chromiumPath = '/usr/bin/chromium',
}) {
  if (!existsSync(chromiumPath)) return { skipped: `no Chromium at ${chromiumPath}` };
  const { chromium } = await import('playwright-core');
  const service = `http://localhost:${proxyPort}`;
  const proxy = await countingProxy(proxyPort, psea.port);
  const host = await hostPage(hostPort, service);
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-dev-shm-usage',
    ],
  });
  const server = async (path, body) => {
    const res = await fetch(`http://127.0.0.1:${proxyPort}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    const userId = `rt-${Date.now().toString(36)}`;

    // Enroll the virtual authenticator through the hosted enrollment page (not counted).
    const { ticket: enrollTicket } = await server('/v1/enrollments', {
      user: { id: userId, name: `${userId}@example.com` },
    });
    await page.goto(`${service}/enroll/${enrollTicket}`);
    await page.locator('psea-enroll[state="ready"]').waitFor();
    await page.locator('psea-enroll [part~="action"]').click();
    await page.locator('psea-enroll[state="done"]').waitFor();

    const measure = async (label, url) => {
      await page.goto(url);
      await page.locator('psea-approve[state="ready"]').waitFor();
      await page.evaluate(() => {
        window.__approved = new Promise((resolve) =>
          document.addEventListener('psea-approved', (e) => resolve(!!e.detail?.receipt), {
            once: true,
          }),
        );
      });
      const browserRequests = [];
      const onRequest = (r) =>
        browserRequests.push(
          `${r.method()} ${new URL(r.url()).pathname.replace(/[0-9a-f]{64}\.[A-Za-z0-9_-]{43}/, ':ticket')}`,
        );
      const from = proxy.log.length;
      page.on('request', onRequest);
      const t0 = performance.now();
      await page.locator('psea-approve [part~="action"]').click();
      const receipt = await page.evaluate(() => window.__approved);
      const ms = performance.now() - t0;
      page.off('request', onRequest);
      const seen = proxy.log.slice(from).map((e) => `${e.method} ${e.path}`);
      return {
        label,
        receipt,
        requests: seen.length,
        serviceRequests: seen,
        browserRequests,
        clickToEventMs: ms,
      };
    };

    const action = {
      type: 'wire.transfer',
      amount: '1250.00',
      currency: 'EUR',
      to: 'DE89 3704 0044 0532 0130 00',
    };
    const hosted = await server('/v1/actions', {
      user: { id: userId },
      action,
      audience: 'payments-api',
    });
    const hostedResult = await measure(
      'hosted page /approve/:ticket (same origin)',
      `${service}/approve/${hosted.ticket}`,
    );
    const embedded = await server('/v1/actions', {
      user: { id: userId },
      action,
      audience: 'payments-api',
    });
    const embeddedResult = await measure(
      'host page embedding <psea-approve> (cross-origin)',
      `http://localhost:${hostPort}/?ticket=${embedded.ticket}`,
    );
    await context.close();
    return { hosted: hostedResult, embedded: embeddedResult };
  } finally {
    await browser.close();
    await new Promise((r) => proxy.server.close(r));
    await new Promise((r) => host.close(r));
  }
}
