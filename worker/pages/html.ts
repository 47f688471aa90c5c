/**
 * The shell every page of the service shares, and the escaping and headers
 * that make it safe to put a ticket from the URL into HTML.
 *
 * Why a nonce in `style-src`: the elements style their shadow roots with
 * constructable stylesheets, which CSP does not govern; browsers without them
 * get `<style>` elements from Lit, which carry the page's nonce (hosted.js
 * hands it to Lit as `litNonce`). No inline script, no `'unsafe-inline'`.
 */
import { ASSETS, WIDGET_ETAG } from '../generated/widget';
import { reveal } from '../../packages/psea/src/internal/visible-text';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escape text for an HTML text node or a quoted attribute value. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);
}

/** A ticket as docs/api.md allows it: URL-safe, at most 512 characters. */
export const TICKET_RE = /^[A-Za-z0-9_.-]{1,512}$/;

/** Path of a generated asset with its content hash, so it can be cached for good. */
export function asset(path: string): string {
  return `${path}?v=${ASSETS[path]?.etag ?? ''}`;
}

export const WIDGET_SRC = `/widget.js?v=${WIDGET_ETAG}`;

/** A fresh CSP nonce (128 bits). */
export function nonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes)).replace(/[+/=]/g, '');
}

/** Headers of every HTML page: strict CSP, no framing, no referrer (tickets live in URLs), no caching. */
export function pageHeaders(nonceValue: string): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': [
      "default-src 'none'",
      "script-src 'self'",
      `style-src 'self' 'nonce-${nonceValue}'`,
      "connect-src 'self'",
      "img-src 'self' data:",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    'cross-origin-opener-policy': 'same-origin',
  };
}

export interface PageOptions {
  /** Plain text: a title holds no markup, so characters that hide are written as ⟨U+XXXX⟩ in it. */
  title: string;
  nonce: string;
  /** Already-escaped HTML. */
  body: string;
  /** Module scripts (same origin), in order. */
  scripts: string[];
  bodyClass?: string;
}

const SHIELD =
  '<svg viewBox="0 0 24 24" aria-hidden="true" class="logo"><path d="M12 2.5 4 5.5v6c0 5 3.4 8.9 8 10 4.6-1.1 8-5 8-10v-6z"/><path d="m8.5 12 2.5 2.5 4.5-5" class="tick"/></svg>';

export const logo = SHIELD;

/** The whole document. `body` must already be escaped. */
export function page(o: PageOptions): string {
  const scripts = o.scripts
    .map((src) => `<script type="module" nonce="${o.nonce}" src="${escapeHtml(src)}"></script>`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex">
<title>${escapeHtml(reveal(o.title))}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${asset('/pages/pages.css')}">
${scripts}
</head>
<body class="${o.bodyClass ?? ''}">
${o.body}
</body>
</html>`;
}
