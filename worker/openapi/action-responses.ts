/** Documentation schemas of the enrollment and approval answers: tickets, options, receipts, credentials. */
import * as z from 'zod';
import { Display, Statement, b64url, isoSeconds, isoTime } from './response-common';

const ticket = z
  .string()
  .max(512)
  .describe(
    'Opaque, single use; the authorisation of one enrollment or one approval. Keep it secret.',
  );

const EnrollmentTicket = z.object({
  ticket,
  expiresAt: isoSeconds,
  enrollUrl: z.url().describe('The hosted enrollment page for this ticket'),
});

const ActionTicket = z.object({
  ticket,
  actionHash: b64url.describe('base64url (no padding) of SHA-256 over UTF-8(JCS(action))'),
  dsp: b64url.describe(
    'v2: base64url SHA-256 of JCS(display) as it will be served; also in the statement and the receipt',
  ),
  expiresAt: isoSeconds,
  approveUrl: z.url().describe('The hosted approval page for this ticket'),
  statusToken: b64url.describe(
    "v2: 256 random bits that authorise only this ticket's status route (`Authorization: Bearer <statusToken>`), so whoever waits needs no API key. Keep it secret.",
  ),
});

const ActionStatus = z.object({
  state: z
    .enum(['pending', 'approved', 'expired', 'burned'])
    .describe('`burned`: five failed attempts'),
  receipt: z.string().optional().describe('The receipt JWT, once approved'),
  reference: z.string().optional().describe("v2: the action's `reference`, when one was given"),
});

const CredentialDescriptor = z.object({
  id: b64url,
  type: z.literal('public-key'),
  transports: z.array(z.string()).optional(),
});

/** As @simplewebauthn/server makes it; hand it to @simplewebauthn/browser's startRegistration. */
const CreationOptions = z
  .looseObject({
    rp: z.object({ id: z.string().optional(), name: z.string() }),
    user: z.object({ id: b64url, name: z.string(), displayName: z.string() }),
    challenge: b64url,
    pubKeyCredParams: z.array(z.object({ type: z.literal('public-key'), alg: z.number().int() })),
    timeout: z.number().int().optional(),
    excludeCredentials: z.array(CredentialDescriptor).optional(),
    authenticatorSelection: z
      .object({
        authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
        residentKey: z.enum(['discouraged', 'preferred', 'required']).optional(),
        requireResidentKey: z.boolean().optional(),
        userVerification: z.enum(['discouraged', 'preferred', 'required']).optional(),
      })
      .optional(),
    hints: z.array(z.string()).optional(),
    attestation: z.enum(['none', 'indirect', 'direct', 'enterprise']).optional(),
    attestationFormats: z.array(z.string()).optional(),
    extensions: z.record(z.string(), z.unknown()).optional(),
  })
  .describe('PublicKeyCredentialCreationOptionsJSON');

/** As @simplewebauthn/server makes it; hand it to @simplewebauthn/browser's startAuthentication. */
const RequestOptions = z
  .looseObject({
    challenge: b64url,
    timeout: z.number().int().optional(),
    rpId: z.string().optional(),
    allowCredentials: z.array(CredentialDescriptor).optional(),
    userVerification: z.enum(['discouraged', 'preferred', 'required']).optional(),
    hints: z.array(z.string()).optional(),
    extensions: z.record(z.string(), z.unknown()).optional(),
  })
  .describe('PublicKeyCredentialRequestOptionsJSON');

const EnrollmentOptions = z.object({
  user: z.object({ name: z.string(), displayName: z.string() }),
  options: CreationOptions,
});

const EnrolledCredential = z.object({
  credentialId: b64url,
  aaguid: z.string(),
  deviceBound: z.boolean().describe('BE clear: the key cannot leave the authenticator'),
  backedUp: z.boolean(),
});

/** v2: a later passkey of a user who has enrolled before waits for an existing one to approve it. */
const PendingEnrollment = z.object({
  pending: EnrolledCredential.pick({ credentialId: true, aaguid: true, deviceBound: true }),
  approval: z
    .object({
      action: z
        .looseObject({ type: z.literal('psea.credential.add') })
        .optional()
        .describe('The action the statement commits to (`act`)'),
      statement: Statement,
      display: Display,
      options: RequestOptions,
    })
    .describe(
      'Sign with an active credential of this user, then POST it to /v1/enrollments/{ticket}/approve',
    ),
});

/** v3: a batch's signed summary (docs/batches.md). */
const BatchSummary = z
  .object({
    count: z.number().int().min(1),
    totals: z.record(z.string(), z.string()).describe('Exact decimal sum per currency'),
    payees: z.number().int().min(0).describe('Distinct `to` strings'),
    root: b64url.describe('RFC 9162 tree head over the items (base64url)'),
  })
  .describe('v3, a batch: what the built action signs');

export const ActionDetails = z.object({
  action: z
    .looseObject({ type: z.string() })
    .describe('The action; for a batch, the built action `{ type, batch }`'),
  display: Display,
  actionHash: b64url,
  statement: Statement,
  options: RequestOptions,
  items: z
    .array(z.looseObject({ type: z.string() }))
    .optional()
    .describe('v3, a batch: every item, in order'),
});

const Receipt = z.object({ receipt: z.string().describe('A psea-receipt+jwt (JWS compact)') });

const ReceiptClaims = z.looseObject({
  iss: z.string(),
  sub: z.string(),
  aud: z.string(),
  iat: z.number().int(),
  exp: z.number().int(),
  jti: z.string(),
  act: b64url,
  act_type: z.string(),
  dsp: b64url.optional(),
  nonce: b64url,
  uv: z.literal(true),
  cred: z
    .looseObject({
      id: b64url,
      aaguid: z.string(),
      device_bound: z.boolean(),
      backed_up: z.boolean(),
      attested: z.boolean().optional(),
      name: z.string().optional(),
      enrolled_at: z
        .number()
        .int()
        .optional()
        .describe('v2: when the credential was enrolled (seconds)'),
    })
    .describe('Assurance facts about the credential that approved; more may be added'),
  pol: z.string().optional(),
  offline: z.boolean().optional().describe('v2: the approval was made offline'),
  signed_at: z
    .number()
    .optional()
    .describe("v2, offline: the device's clock when it signed (claimed, not trusted)"),
  batch: BatchSummary.optional(),
});

const Redeemed = z.object({ claims: ReceiptClaims });

const Credential = z.object({
  id: b64url,
  aaguid: z.string(),
  deviceBound: z.boolean(),
  backedUp: z.boolean(),
  createdAt: isoTime,
  lastUsedAt: isoTime.nullable(),
  enrolledAt: isoSeconds.describe(
    'v2: when the credential was enrolled (`cred.enrolled_at` in receipts)',
  ),
  approvedBy: z
    .string()
    .nullable()
    .describe(
      'v2: who let it in: "first", "recovery", "open" or the approving credential id; null before v2',
    ),
  state: z.enum(['active', 'revoked', 'locked', 'pending']),
  fmt: z.string().describe('The attestation format it enrolled with'),
  attested: z.boolean(),
  authenticatorName: z.string().nullable(),
});

const CredentialList = z.object({ credentials: z.array(Credential) });

/** Named in `components.schemas`, in this order (responses.ts). */
export const ACTION_RESPONSE_SCHEMAS = {
  EnrollmentTicket,
  ActionTicket,
  ActionStatus,
  Redeemed,
  ReceiptClaims,
  CredentialList,
  Credential,
  EnrollmentOptions,
  CreationOptions,
  EnrolledCredential,
  PendingEnrollment,
  ActionDetails,
  Display,
  Statement,
  RequestOptions,
  Receipt,
} as const;
