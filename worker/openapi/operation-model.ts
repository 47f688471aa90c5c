/**
 * What an operation of the document is (operations.ts assembles them), the
 * schemas that validate request bodies, and the problem sets the area files
 * (action-, evidence-, offline-, public-operations.ts) share.
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

export const SERVER: ProblemCode[] = ['unauthorized', 'misconfigured', 'internal_error'];
export const BODY: ProblemCode[] = ['invalid_request', 'payload_too_large'];
/** A create route's `Idempotency-Key` (docs/api.md, "Idempotent requests"). */
export const IDEMPOTENT: ProblemCode[] = [
  'idempotency_mismatch',
  'idempotency_in_progress',
  'unavailable',
];
export const TICKET: ProblemCode[] = [
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
export const ASSERTION: ProblemCode[] = [
  ...CEREMONY,
  'credential_unknown',
  'credential_revoked',
  'signature_invalid',
  'counter_regression',
  'policy_unmet',
];
export const REGISTRATION: ProblemCode[] = [...CEREMONY, 'attestation_rejected'];
export const CEREMONY_NOTE =
  'A 422 leaves the ticket pending and counts one failed attempt; the fifth burns it (429 from then on). A 400 does not count.';
