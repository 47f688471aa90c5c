/**
 * The enrollment and approval routes: the server's (tickets, status, receipts,
 * credentials) and the browser's ceremonies, where the ticket authorises.
 * v3 batches are POST /v1/actions with `batch` (docs/batches.md).
 */
import {
  ASSERTION,
  BODY,
  CEREMONY_NOTE,
  IDEMPOTENT,
  REGISTRATION,
  SERVER,
  TICKET,
  type Answer,
  type Operation,
} from './operation-model';

const ENROLLED: Answer = {
  description: 'Enrolled: the credential is active',
  schema: 'EnrolledCredential',
};

/** Server (API key): tickets, their state, receipts and credentials. */
export const ACTION_OPERATIONS: readonly Operation[] = [
  {
    method: 'post',
    path: '/v1/enrollments',
    operationId: 'createEnrollment',
    audience: 'server',
    summary: 'Issue a single-use enrollment ticket for one user',
    parameters: ['idempotencyKey'],
    body: { schema: 'EnrollmentRequest' },
    answers: { 201: { description: 'The ticket and its hosted page', schema: 'EnrollmentTicket' } },
    problems: [...SERVER, ...BODY, ...IDEMPOTENT],
  },
  {
    method: 'post',
    path: '/v1/actions',
    operationId: 'createAction',
    audience: 'server',
    summary: 'Ask for approval of one exact action, or of a batch of items',
    description:
      'The canonical form (RFC 8785 JCS) of `action` is at most 16 KiB. The statement made here fixes what the passkey will sign. v2: `reference` is echoed in status and webhooks; `callbackUrl` receives action.approved / action.burned / action.expired, signed per Standard Webhooks with WEBHOOK_SECRET (500 `misconfigured` when a callbackUrl is given and the secret is missing or malformed). v3: `batch` in place of `action` (and without `display`): 1 to 10,000 items, each at most 4 KiB in JCS form, in a body of at most 4 MiB (64 KiB without a batch); the service builds and has signed `{ type, batch: { count, totals, payees, root } }` (docs/batches.md). A rule an item breaks is 400 naming its index; an action with a top-level `batch` member is 400.',
    parameters: ['idempotencyKey'],
    body: { schema: 'ActionRequest' },
    answers: {
      201: {
        description: 'The ticket, the action hash and the hosted approval page',
        schema: 'ActionTicket',
      },
    },
    problems: [...SERVER, ...BODY, ...IDEMPOTENT, 'not_enrolled'],
  },
  {
    method: 'get',
    path: '/v1/actions/{ticket}/status',
    operationId: 'getActionStatus',
    audience: 'server',
    summary: 'Where an approval stands; carries the receipt once approved',
    description:
      "v2: authorised by an API key or by this ticket's `statusToken` (which works on no other route or ticket: anything else is 401). With `wait=S`, answers as soon as the state is no longer `pending`, or after S seconds (or at the ticket's expiry) with the state then.",
    parameters: ['ticket', 'wait'],
    answers: { 200: { description: 'The state', schema: 'ActionStatus' } },
    problems: [...SERVER, 'ticket_not_found', 'invalid_request'],
  },
  {
    method: 'post',
    path: '/v1/receipts/redeem',
    operationId: 'redeemReceipt',
    audience: 'server',
    summary: 'Verify a receipt against the service keys and spend it, once',
    description:
      "v3: a batch receipt requires `item`, an index or an array of distinct indexes, each spent once (an array all or none: 409 with nothing spent when any is spent already); an item out of range, missing, repeated, or given for a receipt that is not a batch's is 400 (docs/batches.md).",
    body: { schema: 'RedeemRequest' },
    answers: { 200: { description: 'First redemption: the verified claims', schema: 'Redeemed' } },
    problems: [...SERVER, ...BODY, 'receipt_invalid', 'receipt_redeemed'],
  },
  {
    method: 'get',
    path: '/v1/users/{id}/credentials',
    operationId: 'listCredentials',
    audience: 'server',
    summary: "A user's credentials with their assurance facts and state",
    parameters: ['id'],
    answers: { 200: { description: 'Every credential, in any state', schema: 'CredentialList' } },
    problems: [...SERVER, 'invalid_request'],
  },
  {
    method: 'delete',
    path: '/v1/users/{id}/credentials/{credentialId}',
    operationId: 'revokeCredential',
    audience: 'server',
    summary: 'Revoke one credential; it can no longer approve anything',
    parameters: ['id', 'credentialId'],
    answers: { 204: { description: 'Revoked (a locked credential stays locked)' } },
    problems: [...SERVER, 'invalid_request', 'not_found'],
  },
];

/** Browser (the ticket is the authorisation): the enrollment and approval ceremonies. */
export const CEREMONY_OPERATIONS: readonly Operation[] = [
  {
    method: 'get',
    path: '/v1/enrollments/{ticket}',
    operationId: 'getEnrollmentOptions',
    audience: 'browser',
    summary: "Creation options for the ticket's user",
    parameters: ['ticket'],
    answers: {
      200: {
        description: 'Who enrolls, and the options for startRegistration',
        schema: 'EnrollmentOptions',
      },
    },
    problems: TICKET,
  },
  {
    method: 'post',
    path: '/v1/enrollments/{ticket}',
    operationId: 'completeEnrollment',
    audience: 'browser',
    summary: "The authenticator's registration; consumes the ticket",
    description: `RegistrationResponseJSON as @simplewebauthn/browser returns it. ${CEREMONY_NOTE}`,
    parameters: ['ticket'],
    body: { schema: 'RegistrationResponse', textPlain: true },
    answers: {
      201: ENROLLED,
      202: {
        description:
          'v2: the user has enrolled before, so the new credential is held (`pending`) until an active one approves it at /v1/enrollments/{ticket}/approve',
        schema: 'PendingEnrollment',
      },
    },
    problems: [...BODY, ...TICKET, ...REGISTRATION],
  },
  {
    method: 'post',
    path: '/v1/enrollments/{ticket}/approve',
    operationId: 'approveEnrollment',
    audience: 'browser',
    summary: 'v2: an active credential of the user approves the held one',
    description: `AuthenticationResponseJSON over the statement of the 202's \`approval\`. Every verify check applies. ${CEREMONY_NOTE}`,
    parameters: ['ticket'],
    body: { schema: 'AuthenticationResponse', textPlain: true },
    answers: { 201: ENROLLED },
    problems: [...BODY, ...TICKET, ...ASSERTION],
  },
  {
    method: 'get',
    path: '/v1/actions/{ticket}',
    operationId: 'getAction',
    audience: 'browser',
    summary: 'What the person is approving, and the request options for their passkey',
    parameters: ['ticket'],
    answers: {
      200: {
        description:
          "The action, its display, its statement and the options for startAuthentication (v3: with `quorum` on an approver's ticket)",
        schema: 'ActionDetails',
      },
    },
    problems: [...TICKET, 'quorum_not_found'],
  },
  {
    method: 'post',
    path: '/v1/actions/{ticket}/verify',
    operationId: 'verifyAction',
    audience: 'browser',
    summary: 'The signed assertion; exactly one valid submission gets the receipt',
    description: `AuthenticationResponseJSON as @simplewebauthn/browser returns it. Of concurrent valid posts, one gets 200 and every other 409 \`ticket_used\`. ${CEREMONY_NOTE}`,
    parameters: ['ticket'],
    body: { schema: 'AuthenticationResponse', textPlain: true },
    answers: {
      200: {
        description:
          "The receipt (v3: on an approver's ticket of a quorum, `ApproverVerified`: the quorum and, for the approval that met it, the quorum receipt)",
        schema: 'Receipt',
      },
    },
    problems: [
      ...BODY,
      ...TICKET,
      ...ASSERTION,
      'quorum_closed',
      'quorum_not_found',
      'unavailable',
    ],
  },
];
