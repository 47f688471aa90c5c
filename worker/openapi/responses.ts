/**
 * Success bodies, for the document only: nothing parses an answer with these.
 * The request schemas in routes/schemas.ts are the ones that validate; these
 * describe what the routes build (test/worker/openapi.test.ts checks real
 * answers against them, member by member). Objects stay open, as docs/api.md
 * promises: "more assurance facts may be added".
 */
import * as z from 'zod';
import { QUORUM_RESPONSE_SCHEMAS } from './quorum-responses';

const b64url = z.string().regex(/^[A-Za-z0-9_-]*$/);
// Readable patterns rather than zod's exact date regex: a person reads these.
const isoSeconds = z
  .string()
  .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
  .meta({ format: 'date-time', description: 'UTC, whole seconds (`2026-11-22T10:00:00Z`)' });
const isoTime = z
  .string()
  .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
  .meta({ format: 'date-time' });
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

const Display = z.object({
  title: z.string(),
  fields: z.array(z.object({ label: z.string(), value: z.string() })),
});

const Statement = z
  .object({
    v: z.literal(1),
    iss: z.string(),
    aud: z.string(),
    sub: z.string(),
    act: b64url.describe('actionHash'),
    dsp: b64url.optional().describe('v2: base64url SHA-256 of JCS(display) as served'),
    nonce: b64url.describe('at least 16 random bytes'),
  })
  .describe(
    'What the passkey signs: options.challenge = base64url(SHA-256(UTF-8(JCS(statement))))',
  );

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

const Jwks = z.object({
  keys: z.array(
    z.looseObject({
      kty: z.string(),
      kid: z.string(),
      alg: z.enum(['ES256', 'EdDSA']),
      use: z.literal('sig'),
      crv: z.string().optional(),
      x: b64url.optional(),
      y: b64url.optional(),
    }),
  ),
});

const Health = z.object({ ok: z.literal(true) });

/** v2: POST /v1/users/{id}/offline-grants. */
const OfflineGrants = z.object({
  grants: z.array(
    z.object({
      nonce: b64url.describe(
        "48 bytes: the user's vault id, then 16 random bytes; the offline statement's nonce, usable once",
      ),
      expiresAt: isoSeconds,
    }),
  ),
  bundle: z
    .string()
    .describe(
      'A psea-offline+jwt: iss, sub, aud, exp, rp { id, origins }, grants, types, creds [{ id, publicKey, alg, deviceBound }]',
    ),
});

const b64 = z
  .string()
  .regex(/^[A-Za-z0-9+/]*={0,2}$/)
  .describe('A 32-byte hash, standard base64');
const checkpoint = z
  .string()
  .describe(
    'C2SP tlog-checkpoint signed note: origin `<log key name>/<base64url(SHA-256(user id))>`, tree size, root hash, signature',
  );
const entry = <K extends string, M extends z.ZodRawShape>(kind: K, members: M) =>
  z.object({
    v: z.literal(1),
    kind: z.literal(kind),
    at: z.number().int().describe('seconds'),
    sub: z.string().describe('the user id'),
    ...members,
  });
const LogEntry = z
  .discriminatedUnion('kind', [
    entry('enrolled', {
      cred: b64url,
      key: b64url.describe('base64url(SHA-256(COSE public key))'),
      aaguid: z.string(),
      attested: z.boolean(),
      approvedBy: z
        .string()
        .describe('"first", "recovery", "open", "migrated" or the approving credential id'),
      approval: z
        .object({ challenge: b64url })
        .optional()
        .describe(
          'v3: with an approving credential, the challenge of the psea.credential.add statement it signed',
        ),
    }),
    entry('approved', {
      cred: b64url,
      challenge: b64url,
      act: b64url,
      aud: z.string(),
      jti: z.string(),
      offline: z.boolean().optional(),
    }),
    entry('failed', {
      challenge: b64url,
      code: z.string().describe("the ticket's first failure only"),
    }),
    entry('burned', { challenge: b64url }),
    entry('revoked', { cred: b64url }),
    entry('locked', { cred: b64url }),
  ])
  .describe('v2: a log entry (docs/evidence.md ("The log")); leaf = SHA-256(0x00 ‖ JCS(entry))');
const Included = z.object({
  index: z.number().int(),
  entry: LogEntry,
  proof: z.array(b64).describe('RFC 9162 inclusion proof against the checkpoint'),
});

const LogPage = z.object({
  checkpoint,
  entries: z.array(z.object({ index: z.number().int(), entry: LogEntry })),
});

const LogConsistency = z.object({
  checkpoint,
  proof: z.array(b64).describe('RFC 9162 consistency proof from size `from` to the checkpoint'),
});

const AcceptedAssertion = z
  .looseObject({
    id: b64url,
    rawId: b64url,
    type: z.literal('public-key'),
    response: z.looseObject({
      clientDataJSON: b64url,
      authenticatorData: b64url,
      signature: b64url,
      userHandle: b64url.nullable().optional(),
    }),
    clientExtensionResults: z.record(z.string(), z.unknown()).optional(),
    authenticatorAttachment: z.string().optional(),
  })
  .describe('AuthenticationResponseJSON exactly as posted and accepted');

const CustodyLink = z.object({
  added: b64url.describe('The credential this link adds: first the approving credential'),
  statement: Statement.describe(
    'The psea.credential.add statement the approver signed (aud "psea")',
  ),
  assertion: AcceptedAssertion,
  approver: z.object({
    id: b64url,
    publicKey: b64url.describe('The COSE_Key, base64url'),
    enrolled: Included.describe("The approver's latest enrolled entry"),
  }),
});

const Evidence = z.object({
  v: z.literal(1),
  receipt: z.string(),
  action: z.looseObject({ type: z.string() }),
  display: Display,
  statement: Statement,
  assertion: AcceptedAssertion,
  credential: z.object({
    id: b64url,
    publicKey: b64url.describe('The COSE_Key, base64url'),
    aaguid: z.string(),
    deviceBound: z.boolean(),
    enrollment: z
      .object({
        clientDataJSON: b64url,
        authenticatorData: b64url,
        attestationObject: b64url.optional().describe('Only with attestation=1'),
      })
      .nullable()
      .describe(
        'The registration as received; null only for a credential whose enrolled entry is "migrated"',
      ),
  }),
  log: z.object({
    checkpoint,
    enrolled: Included.describe("v3: always; the credential's latest enrolled entry"),
    approved: Included,
    consistency: z
      .object({ from: z.number().int(), proof: z.array(b64) })
      .optional()
      .describe('With since=N'),
  }),
  custody: z
    .array(CustodyLink)
    .describe(
      "v3: the chain of custody, one link per addition, from the approving credential back to its root; [] when its own entry's approvedBy is a root",
    ),
});

/** Named in `components.schemas`, in this order. */
export const RESPONSE_SCHEMAS = {
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
  Jwks,
  Health,
  OfflineGrants,
  Evidence,
  LogPage,
  LogConsistency,
  ...QUORUM_RESPONSE_SCHEMAS,
} as const;
