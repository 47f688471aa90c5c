/**
 * The hosted pages, `/enroll/:ticket` and `/approve/:ticket`, on the
 * service's own origin: for a second device (a phone that opened a link or a
 * QR code), or for the human behind an agent. They run the same widget.
 */
import { WIDGET_SRC, asset, escapeHtml, logo, page } from './html';
import { handoffHtml } from './handoff-qr';
import { visibleHtml } from './visible-html';

export type HostedKind = 'enroll' | 'approve';

const COPY = {
  enroll: {
    title: 'Set up a passkey',
    lead: 'Create a passkey on this device. You will use it to approve sensitive actions. If your account already has a passkey, you will confirm the new one with it.',
  },
  approve: {
    title: 'Approve this action',
    lead: 'Check every detail. Your passkey signs exactly this action, and nothing else.',
  },
} as const;

/**
 * A hosted page. `ticket` must already match TICKET_RE; everything is escaped
 * anyway. `endpoint` is the service origin (ISSUER): the approve page's QR
 * handoff encodes `<endpoint>/approve/<ticket>`. The enroll page has none: an
 * enrollment link mints an approver, a bigger prize on a screen than one
 * approval (docs/widget.md).
 */
export function hostedPage(
  kind: HostedKind,
  o: { ticket: string; endpoint: string; rpName: string; nonce: string },
): string {
  const copy = COPY[kind];
  const tag = `psea-${kind}`;
  return page({
    title: `${copy.title} · ${o.rpName}`,
    nonce: o.nonce,
    bodyClass: 'hosted',
    scripts: [asset('/pages/hosted.js'), WIDGET_SRC],
    body: `<main class="sheet">
<header class="brand">${logo}<span>${visibleHtml(o.rpName)}</span></header>
<h1 id="heading" tabindex="-1">${copy.title}</h1>
<p id="note" class="lead">${copy.lead}</p>
<${tag} endpoint="${escapeHtml(o.endpoint)}" ticket="${escapeHtml(o.ticket)}"></${tag}>
${kind === 'approve' ? handoffHtml(`${o.endpoint}/approve/${o.ticket}`) : ''}
<footer class="fine">Protected by a passkey with user verification. This page never asks for a password.</footer>
</main>`,
  });
}

/** An unusable link: a ticket that cannot exist. */
export function invalidLinkPage(o: { rpName: string; nonce: string }): string {
  return page({
    title: `Link not valid · ${o.rpName}`,
    nonce: o.nonce,
    bodyClass: 'hosted',
    scripts: [],
    body: `<main class="sheet">
<header class="brand">${logo}<span>${visibleHtml(o.rpName)}</span></header>
<h1>This link is not valid</h1>
<p class="lead">Check that you opened the whole link, or ask for a new one.</p>
</main>`,
  });
}

/**
 * A hosted page the service cannot take a passkey on: its own origin is not in ALLOWED_ORIGINS,
 * so every ceremony here would fail `origin_mismatch`. Said before the person tries, for them and
 * for whoever runs the service (docs/configuration.md). The origin is public; nothing else is shown.
 */
export function originNotAllowedPage(o: { origin: string; rpName: string; nonce: string }): string {
  return page({
    title: `Passkeys are not set up here · ${o.rpName}`,
    nonce: o.nonce,
    bodyClass: 'hosted',
    scripts: [],
    body: `<main class="sheet">
<header class="brand">${logo}<span>${visibleHtml(o.rpName)}</span></header>
<h1>This page cannot take passkeys here</h1>
<p class="lead">The approval service does not accept passkeys on its own pages yet. Nothing was signed. Tell whoever sent you the link.</p>
<p class="fine">For the service's operator: add <code>${escapeHtml(o.origin)}</code> to <code>ALLOWED_ORIGINS</code>.</p>
</main>`,
  });
}
