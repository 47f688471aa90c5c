/**
 * The hosted pages' heading and note for an error no retry fixes: the widget's status line
 * says what happened, and the page above it stops asking for something that cannot happen
 * ("Approve this action") and says what the person can do instead (docs/widget.md "Events").
 */
import type { PseaErrorDetail } from '../base';

const NOT_HERE: [string, string] = [
  'This page cannot take passkeys here',
  "The approval service does not accept this page's address. Tell whoever sent you the link.",
];

/** Title and note per code; a code not listed leaves the page as it is. */
const FINAL: Record<string, [string, string]> = {
  counter_regression: [
    'This passkey is locked',
    'Nothing was approved. Use another passkey, or ask for your account to be recovered.',
  ],
  origin_mismatch: NOT_HERE,
  origin_not_allowed: NOT_HERE,
  // v3: the quorum this ticket belongs to is closed; the widget's status says why (docs/quorum.md).
  quorum_closed: [
    'Nothing more to approve',
    'This request no longer needs your approval. You can close this page.',
  ],
  ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED: [
    'Passkey already set up',
    'This passkey is already registered for your account. You can close this page.',
  ],
};

/** Listen for the element's final errors; `finish` sets the heading, the note and `data-state`. */
export function wireFinalErrors(
  finish: (title: string, text: string, state: 'done' | 'gone') => void,
): void {
  document.addEventListener('psea-error', (e) => {
    const code = (e as CustomEvent<PseaErrorDetail>).detail.code;
    const copy = FINAL[code];
    if (!copy) return;
    finish(
      copy[0],
      copy[1],
      code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED' ? 'done' : 'gone',
    );
  });
}
