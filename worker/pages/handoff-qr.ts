/**
 * "Approve on another device": the hosted approve page's own URL as a QR
 * code, for a person at a desktop whose passkey is on their phone. Drawn here,
 * in the Worker (uqr, no DOM), so widget.js does not grow by a byte.
 *
 * The URL carries the ticket, so the code is a bearer link to this approval:
 * a passkey is still needed to approve, but whoever reads the code can see the
 * action, try it, or burn its attempts. Hence it sits closed behind a
 * disclosure (not on screen, in a screen share, by default), ships `hidden`,
 * and the page's script shows it only while the ticket is usable
 * (widget/pages/handoff.ts).
 * The URL comes from the service origin (ISSUER), never from the request's
 * Host header: a forged Host must not put another site in a person's camera.
 */
import { renderSVG } from 'uqr';
import { escapeHtml } from './html';

/**
 * ECC level M (15 %) reads well off a glossy screen; a 4-module quiet zone
 * (the standard's) is inside the image, so a dark page around it does no
 * harm. One unit per module keeps the path short; CSS scales it.
 */
const QR_OPTIONS = { ecc: 'M', border: 4, pixelSize: 1 } as const;

/** The QR code of `url`, as an SVG document; crisp edges, so no seams show between modules at any scale. */
export function qrSvg(url: string): string {
  return renderSVG(url, QR_OPTIONS).replace('<path ', '<path shape-rendering="crispEdges" ');
}

/**
 * The disclosure. An `<img>` with a `data:` URL: CSP's `img-src data:`
 * allows it, an SVG in an image runs nothing and loads nothing, and `alt`
 * gives it its accessible name. The URL is also there as text, to type or
 * to copy.
 */
export function handoffHtml(url: string): string {
  const src = `data:image/svg+xml,${encodeURIComponent(qrSvg(url))}`;
  return `<details id="handoff" class="handoff" hidden>
<summary>Approve on another device</summary>
<p>Is your passkey on your phone? Scan this code with its camera and approve there. Anyone who can read this code can open this request, so show it only to your own device.</p>
<img class="qr" src="${escapeHtml(src)}" alt="QR code of the link to this page" width="240" height="240">
<p class="handoff-link">Or open this link on the other device: <code>${escapeHtml(url)}</code></p>
</details>`;
}
