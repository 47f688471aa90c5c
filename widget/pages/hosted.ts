/**
 * Script of the hosted pages /enroll/:ticket and /approve/:ticket. Loaded
 * before widget.js: it hands the page's CSP nonce to Lit (for browsers without
 * constructable stylesheets), then turns the element's events into the
 * page's final message. The receipt goes nowhere: the host backend polls
 * GET /v1/actions/:ticket/status. On the approve page it also runs the
 * "Approve on another device" QR disclosure (handoff.ts).
 */
import { wireFinalErrors } from './final-errors';
import { wireHandoff } from './handoff';

declare global {
  // eslint-disable-next-line no-var
  var litNonce: string | undefined;
}

globalThis.litNonce =
  document.querySelector<HTMLScriptElement>('script[nonce]')?.nonce || undefined;

const heading = document.getElementById('heading');
const note = document.getElementById('note');

function finish(title: string, text: string, state: 'done' | 'gone' = 'done'): void {
  if (heading) heading.textContent = title;
  if (note) note.textContent = text;
  document.title = title;
  document.body.dataset.state = state;
}

document.addEventListener('psea-approved', (e) => {
  // v3, a quorum: the element's status line says whether others must still approve.
  const quorum = (e as CustomEvent<{ quorum?: { state: string } }>).detail.quorum;
  if (quorum && quorum.state !== 'approved')
    return finish(
      'Approved',
      'Your approval is recorded. Others must still approve; you can close this page.',
    );
  finish('Approved', 'Done. You can close this page.');
});
document.addEventListener('psea-enrolled', () =>
  finish('Passkey created', 'Done. You can close this page.'),
);
wireHandoff(finish);
wireFinalErrors(finish);
