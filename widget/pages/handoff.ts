/**
 * The approve page's "Approve on another device" disclosure (drawn by the
 * Worker, worker/pages/handoff-qr.ts): a QR code of a ticket is worth showing
 * only while the ticket can still be approved. So the disclosure ships
 * `hidden` and is shown once the element has loaded the ticket (or found that
 * this device has no passkeys, the case it is for), and it is removed for good
 * once the ticket is spent, expired, burned or unknown: by this page's own
 * approval or final error, or, while it is open, by a check of the ticket
 * when it opens (the code waits for that answer) and every few seconds after,
 * which also tells the person when the other device approved.
 */
import type { PseaErrorDetail } from '../base';

/** Problem codes that mean the ticket can never be approved again. */
const DEAD = new Set(['ticket_used', 'ticket_expired', 'ticket_not_found', 'rate_limited']);
/** How often an open disclosure asks whether its ticket is still pending. */
const CHECK_MS = 4000;

/** What the page says when the open disclosure finds its ticket gone. */
const GONE: Record<string, [string, string]> = {
  ticket_used: [
    'Already approved',
    'This request was approved, perhaps on your other device. You can close this page.',
  ],
  ticket_expired: ['This request expired', 'Ask for a new one.'],
};
const GONE_OTHER: [string, string] = [
  'This request can no longer be approved',
  'Ask for a new one.',
];

/** The ticket's problem code when it is dead, `undefined` while pending or when the answer says nothing. */
async function deadCode(ticket: string): Promise<string | undefined> {
  try {
    const res = await fetch(`/v1/actions/${encodeURIComponent(ticket)}`, {
      cache: 'no-store',
      credentials: 'omit',
    });
    if (res.ok) return undefined;
    const code = ((await res.json().catch(() => null)) as { code?: unknown } | null)?.code;
    return typeof code === 'string' && DEAD.has(code) ? code : undefined;
  } catch {
    return undefined; // offline for a moment: the next check decides
  }
}

/** Wire the disclosure to the approve element. `finish` sets the page's final heading, note and `data-state`. */
export function wireHandoff(
  finish: (title: string, text: string, state: 'done' | 'gone') => void,
): void {
  const handoff = document.getElementById('handoff') as HTMLDetailsElement | null;
  const element = document.querySelector('psea-approve');
  const ticket = element?.getAttribute('ticket');
  if (!handoff || !element || !ticket) return;

  let gone = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const remove = (): void => {
    gone = true;
    clearTimeout(timer);
    handoff.remove();
  };
  const show = (): void => {
    if (!gone) handoff.hidden = false;
  };

  new MutationObserver(() => {
    if (element.getAttribute('state') === 'ready') show();
  }).observe(element, { attributes: true, attributeFilter: ['state'] });
  if (element.getAttribute('state') === 'ready') show();

  document.addEventListener('psea-approved', remove);
  document.addEventListener('psea-error', (e) => {
    const { code } = (e as CustomEvent<PseaErrorDetail>).detail;
    if (DEAD.has(code)) remove();
    else if (code === 'unsupported') show(); // no passkey here: the other device is the way
  });

  let checking = false;
  const check = async (): Promise<void> => {
    clearTimeout(timer);
    if (gone || checking || !handoff.open || document.visibilityState !== 'visible') return;
    checking = true;
    const code = await deadCode(ticket);
    checking = false;
    if (gone) return;
    if (!code) {
      // Shown only if still open: a check that answers after a close must not pre-show the next opening.
      if (handoff.open) handoff.classList.add('live');
      timer = setTimeout(() => void check(), CHECK_MS);
      return;
    }
    remove();
    // The other device approved (or the ticket ran out) while this page waited: say so,
    // and take away a button that can only fail, unless a ceremony of its own is under way.
    const state = element.getAttribute('state');
    if (state === 'waiting' || state === 'verifying' || state === 'done') return;
    element.remove();
    const [title, text] = GONE[code] ?? GONE_OTHER;
    finish(title, text, code === 'ticket_used' ? 'done' : 'gone');
    // Focus was on the disclosure or the button, both gone: put it on the news.
    document.getElementById('heading')?.focus();
  };
  handoff.addEventListener('toggle', () => {
    // Each opening shows the code only once a check has found the ticket still pending (pages.css):
    // `toggle` comes a task after the opening, so the code starts out unshown rather than being hidden here.
    if (!handoff.open) handoff.classList.remove('live');
    void check();
  });
  document.addEventListener('visibilitychange', () => void check());
}
