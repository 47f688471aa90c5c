/**
 * Public pages and the widget, on the service's own origin:
 *
 *   GET /widget.js           the widget (CORS *, ETag, 304; immutable with ?v=<etag>)
 *   GET /pages/:file         scripts and styles of the hosted pages
 *   GET /enroll/:ticket      hosted enrollment page
 *   GET /approve/:ticket     hosted approval page
 *   GET /                    the landing page (the development entry, demo/index.ts, serves the demo bank here)
 *
 * Assets are compiled into the Worker (worker/generated/widget.ts), so there
 * is no asset binding to configure. Pages carry a strict CSP, deny framing
 * and send no referrer, since a ticket in a URL is an authorisation.
 */
import { Hono, type Context } from 'hono';
import { getVars, serviceOrigin } from '../config';
import type { AppEnv } from '../env';
import { ASSETS, WIDGET_ETAG, WIDGET_JS } from '../generated/widget';
import {
  hostedPage,
  invalidLinkPage,
  originNotAllowedPage,
  type HostedKind,
} from '../pages/hosted';
import { TICKET_RE, nonce, pageHeaders } from '../pages/html';
import { landingPage } from '../pages/landing';
import { serveAsset } from '../pages/serve';

/** The name shown on pages (every route has checked the config by now). */
const rpName = (c: Context<AppEnv>): string => getVars(c.env).rpName;

function hosted(kind: HostedKind) {
  return (c: Context<AppEnv>): Response => {
    const ticket = c.req.param('ticket') ?? '';
    const n = nonce();
    if (!TICKET_RE.test(ticket))
      return new Response(invalidLinkPage({ rpName: rpName(c), nonce: n }), {
        status: 404,
        headers: pageHeaders(n),
      });
    const vars = getVars(c.env);
    const endpoint = serviceOrigin(vars, c.req.url);
    if (!vars.allowedOrigins.has(endpoint)) {
      // Every ceremony on this page would fail origin_mismatch: say so now, and to the operator.
      console.error(
        `[psea] misconfigured: ALLOWED_ORIGINS: the service's own origin ${endpoint} is not in it; ` +
          'the hosted pages cannot take passkeys',
      );
      const body = originNotAllowedPage({ origin: endpoint, rpName: rpName(c), nonce: n });
      return new Response(body, { status: 500, headers: pageHeaders(n) });
    }
    return new Response(hostedPage(kind, { ticket, endpoint, rpName: rpName(c), nonce: n }), {
      headers: pageHeaders(n),
    });
  };
}

export const pages = new Hono<AppEnv>();

pages.get('/widget.js', (c) =>
  serveAsset(c, WIDGET_JS, 'text/javascript; charset=utf-8', WIDGET_ETAG),
);

pages.get('/pages/:file', (c) => {
  const a = ASSETS[`/pages/${c.req.param('file')}`];
  return a ? serveAsset(c, a.body, a.type, a.etag) : c.notFound();
});

pages.get('/enroll/:ticket', hosted('enroll'));
pages.get('/approve/:ticket', hosted('approve'));

pages.get('/', (c) => {
  const n = nonce();
  const html = landingPage({ rpName: rpName(c), nonce: n });
  return new Response(html, { headers: pageHeaders(n) });
});
