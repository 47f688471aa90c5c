/**
 * The hosted pages on a service whose own origin is not in ALLOWED_ORIGINS (a deploy that listed
 * only the host app's origin): every ceremony there would fail origin_mismatch, so the page says
 * so before anyone tries, shows no element, and the log names the setting.
 */
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { callApp } from './harness';

const TICKET = `${'a'.repeat(64)}.${'b'.repeat(43)}`;
let errors: MockInstance<typeof console.error>;
beforeEach(() => {
  errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => errors.mockRestore());

describe("hosted pages when the service's own origin is not allowed", () => {
  for (const kind of ['approve', 'enroll']) {
    it(`/${kind}/:ticket explains, with no element and no script, and logs ALLOWED_ORIGINS`, async () => {
      const r = await callApp(
        { ALLOWED_ORIGINS: 'https://app.example.com' },
        'GET',
        `/${kind}/${TICKET}`,
        undefined,
        { auth: false },
      );
      expect(r.status).toBe(500);
      expect(r.headers.get('content-type')).toContain('text/html');
      expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
      const html = r.body as string;
      expect(html).toContain('This page cannot take passkeys here');
      expect(html).toContain('<code>http://localhost:8787</code> to <code>ALLOWED_ORIGINS</code>');
      expect(html).not.toContain('<psea-');
      expect(html).not.toContain('<script');
      expect(html).not.toContain(TICKET);
      expect(errors.mock.calls.flat().join(' ')).toContain('misconfigured: ALLOWED_ORIGINS');
    });
  }

  it('with its origin allowed, the page is the usual one', async () => {
    const r = await callApp(
      { ALLOWED_ORIGINS: 'https://app.example.com,http://localhost:8787' },
      'GET',
      `/approve/${TICKET}`,
      undefined,
      { auth: false },
    );
    expect(r.status).toBe(200);
    expect(r.body as string).toContain('<psea-approve');
  });
});
