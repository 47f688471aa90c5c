/**
 * Every route the Worker serves, as the document describes it. Request bodies
 * name the very schemas the routes validate with (routes/schemas.ts); answers
 * name the documentation schemas of responses.ts. test/worker/openapi.test.ts
 * compares this table with `app.routes`, both ways, so it cannot drift.
 */
import type { ProblemCode } from '../errors';
import {
  ActionRequest,
  AuthenticationResponse,
  EnrollmentRequest,
  RedeemRequest,
  RegistrationResponse,
} from '../routes/schemas';
import { OfflineGrantRequest, OfflineProofRequest } from '../routes/offline-schemas';
import { QuorumRequest } from '../routes/quorum-schemas';
import { QUORUM_OPERATIONS } from './quorum-operations';
import type { RESPONSE_SCHEMAS } from './responses';

/** The schemas that validate request bodies, named in `components.schemas`. */
export const REQUEST_SCHEMAS = {
  EnrollmentRequest,
  ActionRequest,
  RedeemRequest,
  RegistrationResponse,
  AuthenticationResponse,
  OfflineGrantRequest,
  OfflineProofRequest,
  QuorumRequest,
} as const;

/**
 * Mounted, not documented: the demo bank (DEMO=true only) plays an RP's own
 * backend on loopback for the demo page; it is no part of the service's
 * contract, and clients must not be generated for it.
 */
export const UNDOCUMENTED_PREFIXES: readonly string[] = ['/demo/'];

/** `server`: API key, no CORS. `browser`: the ticket authorises, CORS for ALLOWED_ORIGINS. `public`: anyone. */
export type Audience = 'server' | 'browser' | 'public';

export type ParameterName =
  | 'ticket'
  | 'id'
  | 'credentialId'
  | 'file'
  | 'v'
  | 'start'
  | 'end'
  | 'from'
  | 'since'
  | 'attestation'
  | 'wait'
  | 'idempotencyKey'
  | 'quorum'
  | 'quorumSince';

export interface Answer {
  description: string;
  /** A JSON body, named in responses.ts. */
  schema?: keyof typeof RESPONSE_SCHEMAS;
  /** Non-JSON bodies (a page, a script), by media type. */
  media?: readonly string[];
}

export interface Operation {
  method: 'get' | 'post' | 'delete';
  /** OpenAPI form: `{ticket}`, not `:ticket`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  audience: Audience;
  /** `Access-Control-Allow-Origin: *` on the answer (public assets and keys). */
  anyOrigin?: boolean;
  parameters?: ParameterName[];
  body?: { schema: keyof typeof REQUEST_SCHEMAS; textPlain?: boolean };
  answers: Record<number, Answer>;
  problems: ProblemCode[];
}

const SERVER: ProblemCode[] = ['unauthorized', 'misconfigured', 'internal_error'];
const BODY: ProblemCode[] = ['invalid_request', 'payload_too_large'];
/** A create route's `Idempotency-Key` (docs/api.md, "Idempotent requests"). */
const IDEMPOTENT: ProblemCode[] = [
  'idempotency_mismatch',
  'idempotency_in_progress',
  'unavailable',
];
const TICKET: ProblemCode[] = [
  'ticket_not_found',
  'ticket_used',
  'ticket_expired',
  'rate_limited',
  'misconfigured',
  'internal_error',
];
const CEREMONY: ProblemCode[] = [
  'origin_mismatch',
  'rp_id_mismatch',
  'challenge_mismatch',
  'user_presence_required',
  'user_verification_required',
  'flags_invalid',
];
const ASSERTION: ProblemCode[] = [
  ...CEREMONY,
  'credential_unknown',
  'credential_revoked',
  'signature_invalid',
  'counter_regression',
  'policy_unmet',
];
const REGISTRATION: ProblemCode[] = [...CEREMONY, 'attestation_rejected'];
const CEREMONY_NOTE =
  'A 422 leaves the ticket pending and counts one failed attempt; the fifth burns it (429 from then on). A 400 does not count.';

const ENROLLED: Answer = {
  description: 'Enrolled: the credential is active',
  schema: 'EnrolledCredential',
};
const PAGE: Answer = {
  description: 'The page (strict CSP, no framing, no referrer)',
  media: ['text/html'],
};
const BAD_LINK: Answer = {
  description: 'A malformed ticket: an "invalid link" page',
  media: ['text/html'],
};

export const OPERATIONS: readonly Operation[] = [
  // ---- server (API key) ----
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
  {
    method: 'post',
    path: '/v1/users/{id}/offline-grants',
    operationId: 'createOfflineGrants',
    audience: 'server',
    summary:
      'v2: single-use offline grants for one user, audience and list of types, and the signed bundle a device carries',
    description:
      'Each grant nonce (the user\'s vault id, then 16 random bytes) can be used once, until `ttl` seconds from now. `bundle` is a `psea-offline+jwt` signed by the receipt key, listing the user\'s active credentials. Offline proofs are accepted only for actions whose policy rule has `"offline": true`.',
    parameters: ['id', 'idempotencyKey'],
    body: { schema: 'OfflineGrantRequest' },
    answers: { 201: { description: 'The grants and the bundle', schema: 'OfflineGrants' } },
    problems: [...SERVER, ...BODY, ...IDEMPOTENT, 'not_enrolled'],
  },
  {
    method: 'get',
    path: '/v1/actions/{ticket}/evidence',
    operationId: 'getEvidence',
    audience: 'server',
    summary: 'v2: the evidence bundle of an approval, checkable without trusting the service',
    description:
      'Check it with verifyEvidence (psea/evidence) or `npx psea verify` against a log key pinned beforehand. Kept EVIDENCE_TTL_DAYS (default 90) after approval.',
    parameters: ['ticket', 'since', 'attestation'],
    answers: {
      200: {
        description:
          'The bundle: receipt, action, display, statement, the assertion as accepted, the credential and its enrollment, the log entries with their proofs',
        schema: 'Evidence',
      },
    },
    problems: [...SERVER, 'invalid_request', 'ticket_not_found', 'not_found', 'not_approved'],
  },
  {
    method: 'get',
    path: '/v1/users/{id}/log',
    operationId: 'getLog',
    audience: 'server',
    summary: "v2: a page of the user's transparency log and its current checkpoint",
    parameters: ['id', 'start', 'end'],
    answers: {
      200: { description: 'The signed checkpoint and entries [start, end)', schema: 'LogPage' },
    },
    problems: [...SERVER, 'invalid_request'],
  },
  {
    method: 'get',
    path: '/v1/users/{id}/log/consistency',
    operationId: 'getLogConsistency',
    audience: 'server',
    summary: "v2: proof that the user's log only grew since an earlier size",
    parameters: ['id', 'from'],
    answers: {
      200: {
        description:
          'The current checkpoint and the RFC 9162 consistency proof from size `from` to it',
        schema: 'LogConsistency',
      },
    },
    problems: [...SERVER, 'invalid_request'],
  },
  // ---- browser (the ticket is the authorisation) ----
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
  {
    method: 'post',
    path: '/v1/offline-proofs',
    operationId: 'submitOfflineProof',
    audience: 'browser',
    summary:
      'v2: an offline proof; the first valid submission on a grant gets a receipt marked offline',
    description:
      'The grant is the authorisation (a server may post too). Every verify check applies but the counter, which is neither checked nor advanced. A failed proof leaves its grant unused and counts no attempt. The same proof posted again after it was accepted gets 409 `ticket_used` carrying its `receipt`.',
    body: { schema: 'OfflineProofRequest', textPlain: true },
    answers: {
      200: { description: 'The receipt (`offline: true`, `signed_at`)', schema: 'Receipt' },
    },
    problems: [
      ...BODY,
      'ticket_not_found',
      'ticket_used',
      'ticket_expired',
      'misconfigured',
      'internal_error',
      ...ASSERTION.filter((code) => code !== 'counter_regression'),
    ],
  },
  // Copied to mutable arrays, each checked as an Operation here.
  ...QUORUM_OPERATIONS.map((o): Operation => ({
    ...o,
    problems: [...o.problems],
    parameters: 'parameters' in o ? [...o.parameters] : undefined,
  })),
  // ---- public ----
  {
    method: 'get',
    path: '/.well-known/jwks.json',
    operationId: 'getJwks',
    audience: 'public',
    anyOrigin: true,
    summary: 'Public halves of every receipt signing key (cacheable for 300 s)',
    answers: { 200: { description: 'JWK Set', schema: 'Jwks' } },
    problems: ['misconfigured', 'internal_error'],
  },
  {
    method: 'get',
    path: '/.well-known/psea-log-key',
    operationId: 'getLogKeys',
    audience: 'public',
    anyOrigin: true,
    summary: 'v2: the log verifier keys, one a line, the current one first (cacheable for 300 s)',
    description:
      'Go note verifier keys (`<name>+<hash>+<key>`). Pin one out of band: a key fetched beside the data it checks proves nothing.',
    answers: { 200: { description: 'Verifier key strings, one a line', media: ['text/plain'] } },
    problems: ['misconfigured', 'internal_error'],
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenApi',
    audience: 'public',
    anyOrigin: true,
    summary: 'This document (cacheable for 300 s)',
    answers: { 200: { description: 'OpenAPI 3.1', media: ['application/json'] } },
    problems: ['internal_error'],
  },
  {
    method: 'get',
    path: '/healthz',
    operationId: 'getHealth',
    audience: 'public',
    summary: 'Liveness',
    answers: { 200: { description: 'Alive', schema: 'Health' } },
    problems: ['internal_error'],
  },
  {
    method: 'get',
    path: '/widget.js',
    operationId: 'getWidget',
    audience: 'public',
    anyOrigin: true,
    summary: 'The widget: one ES module defining psea-enroll and psea-approve',
    description: 'With an ETag; cached for a year when `v` equals it, else for five minutes.',
    parameters: ['v'],
    answers: {
      200: { description: 'The module', media: ['text/javascript'] },
      304: { description: 'Not modified (If-None-Match names the ETag)' },
    },
    problems: ['internal_error'],
  },
  {
    method: 'get',
    path: '/pages/{file}',
    operationId: 'getPageAsset',
    audience: 'public',
    anyOrigin: true,
    summary: 'A script or style sheet of the hosted pages',
    parameters: ['file', 'v'],
    answers: {
      200: { description: 'The asset', media: ['text/javascript', 'text/css'] },
      304: { description: 'Not modified (If-None-Match names the ETag)' },
    },
    problems: ['not_found', 'internal_error'],
  },
  {
    method: 'get',
    path: '/enroll/{ticket}',
    operationId: 'getEnrollPage',
    audience: 'public',
    summary: 'Hosted enrollment page, running the widget on the service origin',
    parameters: ['ticket'],
    answers: { 200: PAGE, 404: BAD_LINK },
    problems: ['internal_error'],
  },
  {
    method: 'get',
    path: '/approve/{ticket}',
    operationId: 'getApprovePage',
    audience: 'public',
    summary: "Hosted approval page (for a second device, a QR code, or an agent's human)",
    parameters: ['ticket'],
    answers: { 200: PAGE, 404: BAD_LINK },
    problems: ['internal_error'],
  },
  {
    method: 'get',
    path: '/',
    operationId: 'getLanding',
    audience: 'public',
    summary: 'Landing page (the demo bank when DEMO is "true")',
    answers: { 200: PAGE },
    problems: ['internal_error'],
  },
];
