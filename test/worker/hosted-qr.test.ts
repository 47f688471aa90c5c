/**
 * The hosted approve page offers its own URL as a QR code (SPEC v2 "Waiting
 * for an approval: agents and second devices"). The code is decoded from its
 * pixels, never compared with the encoder's output, and it must name the
 * service origin (ISSUER), whatever Host the request claims: a forged Host
 * that reached a person's camera would send their approval to another site.
 */
import { describe, expect, it } from 'vitest';
import { decodeQrSvg, qrSvgOfPage } from '../support/qr-decode';
import { BASE, ORIGIN, call, callApp, enroll, newUserId, requestAction } from './harness';

const handoff = (html: string): string | undefined =>
  /<details id="handoff"[^]*?<\/details>/.exec(html)?.[0];

describe('the approve page hands itself to another device as a QR code', () => {
  it('carries an SVG QR code that decodes to exactly its approveUrl, with the URL as text and an accessible name', async () => {
    const userId = newUserId('qr');
    await enroll(userId);
    const { ticket, approveUrl } = await requestAction(userId);
    expect(approveUrl).toBe(`${BASE}/approve/${ticket}`);
    const page = await call('GET', `/approve/${ticket}`, undefined, { auth: false });
    expect(page.status).toBe(200);

    const svg = qrSvgOfPage(page.body);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 \d+ \d+">/);
    expect(decodeQrSvg(svg!)).toBe(approveUrl);

    // Behind a closed disclosure, hidden until the page's script has seen the ticket is usable.
    const disclosure = handoff(page.body)!;
    expect(disclosure).toMatch(
      /^<details id="handoff" class="handoff" hidden>\n<summary>Approve on another device<\/summary>/,
    );
    expect(disclosure).not.toMatch(/<details[^>]*\bopen\b/);
    expect(disclosure).toMatch(
      /<img class="qr" src="data:image\/svg\+xml,[^"]+" alt="QR code of the link to this page"/,
    );
    expect(disclosure).toContain(`<code>${approveUrl}</code>`);
  });

  it('the image is one the page CSP allows (img-src data:), an SVG that can run and load nothing, and no inline script', async () => {
    const userId = newUserId('qr-csp');
    await enroll(userId);
    const { ticket } = await requestAction(userId);
    const page = await call('GET', `/approve/${ticket}`, undefined, { auth: false });
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("img-src 'self' data:");
    expect(csp).not.toContain('unsafe-inline');
    const svg = qrSvgOfPage(page.body)!;
    // Nothing but a background rectangle and one path of squares.
    expect(svg.replace(/ d="[^"]*"/, '')).toMatch(
      /^<svg xmlns="[^"]+" viewBox="0 0 \d+ \d+"><rect fill="white" width="\d+" height="\d+"\/><path shape-rendering="crispEdges" fill="black"\/><\/svg>$/,
    );
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('the enrollment page shows no QR code: an enrollment link mints an approver', async () => {
    const r = await call('POST', '/v1/enrollments', {
      user: { id: newUserId('qr-enroll'), name: 'ada' },
    });
    const page = await call('GET', `/enroll/${r.body.ticket}`, undefined, { auth: false });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<psea-enroll');
    expect(handoff(page.body)).toBeUndefined();
    expect(page.body).not.toContain('image/svg+xml');
  });

  it('a link that cannot be a ticket gets no QR code', async () => {
    const page = await call('GET', `/approve/${encodeURIComponent('"><img src=x>')}`, undefined, {
      auth: false,
    });
    expect(page.status).toBe(404);
    expect(page.body).not.toContain('image/svg+xml');
  });
});

describe('with ISSUER set, the QR code names ISSUER, never the Host header', () => {
  const ISSUER = 'https://approve.example.com';
  // ISSUER among the origins: the hosted pages run ceremonies on it.
  const PROD = {
    RP_ID: 'example.com',
    ISSUER,
    ALLOWED_ORIGINS: `https://app.example.com,${ORIGIN},${ISSUER}`,
  };
  const ways: [string, { base?: string; headers?: Record<string, string> }][] = [
    [
      'Host: evil.example',
      {
        headers: {
          host: 'evil.example',
          'x-forwarded-host': 'evil.example',
          forwarded: 'host=evil.example',
        },
      },
    ],
    ['an absolute URL on evil.example', { base: 'https://evil.example' }],
  ];
  for (const [name, way] of ways) {
    it(name, async () => {
      const userId = newUserId('qr-host');
      await enroll(userId); // the vault keeps its own env: enrolling is the same anywhere
      const created = await callApp(
        PROD,
        'POST',
        '/v1/actions',
        { user: { id: userId }, action: { type: 'x' } },
        way,
      );
      expect(created.status).toBe(201);
      const { ticket, approveUrl } = created.body;
      expect(approveUrl).toBe(`${ISSUER}/approve/${ticket}`);
      const page = await callApp(PROD, 'GET', `/approve/${ticket}`, undefined, {
        ...way,
        auth: false,
      });
      expect(page.status).toBe(200);
      expect(decodeQrSvg(qrSvgOfPage(page.body)!)).toBe(approveUrl);
      expect(handoff(page.body)).toContain(`<code>${approveUrl}</code>`);
      expect(page.body).not.toContain('evil.example');
    });
  }
});
