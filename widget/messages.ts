/**
 * English defaults for every string the elements show or announce. Override
 * any of them with the `messages` property, or the `messages` attribute as
 * JSON: `<psea-approve messages='{"approve":"Freigeben"}'>`. Keys that are
 * problem codes (docs/api.md) or `WebAuthnError` codes give the text for that
 * error; `error` is the fallback for any code without its own text.
 */
export const MESSAGES = {
  loading: 'Loading…',
  approve: 'Approve with passkey',
  enroll: 'Create a passkey',
  enrollTitle: 'Set up a passkey',
  enrollIntro:
    'A passkey on this device confirms your sensitive actions. Only a signature leaves it.',
  account: 'Account',
  approveAdd: 'Approve with an existing passkey',
  approveAddIntro:
    'A passkey you already have must approve this new one. If you did not just add it, do not approve.',
  readyApproveAdd: 'Check the new passkey, then approve it with a passkey you already have.',
  waitingApproveAdd: 'Confirm with a passkey you already have: fingerprint, face or device PIN.',
  ready: 'Check the details, then approve with your passkey.',
  readyEnroll: 'Ready to create your passkey.',
  waiting: 'Confirm with your passkey: fingerprint, face or device PIN.',
  verifying: 'Verifying…',
  approved: 'Approved. The action can go ahead.',
  enrolled: 'Passkey created. It can now approve actions.',
  cancelled: 'Cancelled. Nothing was signed.',
  retry: 'Try again',
  details: 'What you sign',
  signed: 'Every part of the action, as your passkey signs it:',
  audience: 'For',
  fingerprint: 'Action fingerprint',
  error: 'Something went wrong. Please try again.',
  network_error: 'Could not reach the approval service. Check your connection.',
  origin_not_allowed:
    "This page's address is not allowed by the approval service (ALLOWED_ORIGINS).",
  unsupported: 'This browser does not support passkeys.',
  invalid_request: 'The request was not accepted.',
  ticket_not_found: 'This request was not found. Ask for a new link.',
  ticket_used: 'This request was already completed.',
  ticket_expired: 'This request has expired. Ask for a new one.',
  not_enrolled: 'No passkey is set up for this account yet.',
  no_approver: 'No passkey of this account can approve a new one. Ask for account recovery.',
  rate_limited: 'Too many failed attempts. Ask for a new request.',
  misconfigured: 'The approval service is not configured correctly.',
  unavailable: 'The approval service is busy. Try again in a moment.',
  user_verification_required: 'Your device did not verify you (fingerprint, face or PIN).',
  user_presence_required: 'Your device did not confirm your presence.',
  credential_unknown: 'This passkey is not registered for this account. Try another one.',
  credential_revoked: 'This passkey was revoked or locked. Use another one.',
  counter_regression:
    'This passkey is locked: its counter went back, a sign it was copied. Use another passkey.',
  origin_mismatch: "The approval service does not accept passkeys from this page's address.",
  policy_unmet: 'This action needs another kind of passkey, such as a security key.',
  attestation_rejected: 'This authenticator was not accepted.',
  ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED: 'This passkey is already registered for this account.',
  ERROR_INVALID_DOMAIN: 'Passkeys cannot be used on this site.',
  ERROR_INVALID_RP_ID: "This service's passkeys cannot be used on this site.",
};

/**
 * Every message key; any other string key is accepted for error codes. The
 * offline and batch parts bring their own keys' defaults when they load
 * (offline/messages.ts, batch/engine.ts).
 */
export type MessageKey =
  | keyof typeof MESSAGES
  | 'stored'
  | 'sending'
  | 'verified'
  | 'no_grant'
  | 'bundle_invalid'
  | 'items'
  | 'batch_mismatch';
export type Messages = Partial<Record<MessageKey | string, string>>;
