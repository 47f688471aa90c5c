/**
 * Request body schemas (docs/api.md). Limits are docs/api.md's where it gives them, else generous but finite.
 * These validate; /openapi.json is generated from these very objects (worker/openapi/).
 */
import * as z from 'zod';
import { SERVICE_AUDIENCE } from '../vault/ceremonies/credential-add-approval';

const b64url = z
  .string()
  .min(1)
  .max(16_384)
  .regex(/^[A-Za-z0-9_-]*$/, 'must be base64url');

/** No lone surrogates: ids, audiences and (through `dsp`) the display go into the statement, whose JCS form the passkey signs. */
const wellFormedText = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .refine((v) => !/\p{Cs}/u.test(v), 'must be well-formed Unicode (no lone surrogates)');
export const wellFormed = (max: number) => wellFormedText(1, max);

/** Any id, except the two that URL parsing turns into path navigation: `/v1/users/../credentials` could never be reached. */
export const UserId = wellFormed(128).refine(
  (v) => v !== '.' && v !== '..',
  'cannot be "." or "..", which a URL path cannot carry',
);

export const EnrollmentRequest = z.object({
  user: z.object({
    id: UserId,
    name: z.string().min(1).max(64),
    displayName: z.string().max(64).optional(),
  }),
  /** The RP's identity proofing stands in for an existing passkey's approval (every device lost). */
  recovery: z.boolean().optional(),
});

/**
 * The service's own approvals (a new passkey's, audience `psea`, types
 * `psea.…`): no RP action may look like one, so no statement the RP can
 * have signed ever reads as the service's.
 */
export const SERVICE_TYPE_PREFIX = 'psea.';

const DisplayField = z.object({ label: wellFormedText(1, 100), value: wellFormedText(0, 1000) });

/** An action's (or a batch's) type: a string, not one of the service's own. */
const ActionType = z
  .string()
  .min(1)
  .max(128)
  .refine(
    (t) => !t.startsWith(SERVICE_TYPE_PREFIX),
    `types beginning "${SERVICE_TYPE_PREFIX}" are the service's own`,
  );

/** What an action must be: an object with a string `type` (not one of the service's own); every other member is the RP's. */
export const ActionShape = z.looseObject({ type: ActionType });
type Action = z.infer<typeof ActionShape>;

/**
 * The action exactly as sent: checked against ActionShape but never rebuilt.
 * A rebuilt object loses an own `__proto__` member (JSON.parse keeps one), and
 * then the hash and the page would cover another action than the RP's.
 */
export const Action = z.custom<Action>().superRefine((value, ctx) => {
  const shape = ActionShape.safeParse(value);
  if (!shape.success)
    for (const issue of shape.error.issues)
      ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  // A top-level `batch` is the service's, in the action it builds for a batch (docs/batches.md).
  else if (Object.hasOwn(value as object, 'batch')) {
    ctx.addIssue({
      code: 'custom',
      message: 'the member "batch" is the service\'s own; send a batch as the request\'s "batch"',
      path: ['batch'],
    });
  }
});

/** A batch (docs/batches.md): its type and 1 to 10,000 items, each checked by routes/batch-action.ts. */
const Batch = z.strictObject({
  type: ActionType,
  items: z
    .array(z.unknown())
    .min(1)
    .max(10_000)
    .describe(
      'each a JSON object with a string `type`, JCS form at most 4 KiB; see docs/batches.md',
    ),
});

export const ActionRequest = z
  .object({
    user: z.object({ id: UserId }),
    /** One action; or `batch` instead. */
    action: Action.optional(),
    /** v3: many items, one approval (docs/batches.md); in place of `action`, and without `display`. */
    batch: Batch.optional(),
    display: z
      .object({
        title: wellFormedText(1, 200),
        fields: z.array(DisplayField).max(50).default([]),
      })
      .optional(),
    audience: wellFormed(256)
      .refine((a) => a !== SERVICE_AUDIENCE, `"${SERVICE_AUDIENCE}" is the service's own audience`)
      .default('default'),
    ttl: z.number().int().min(1).max(3600).optional(),
    /** v2 (agents): the host's own id for the action, echoed in status and webhooks; never signed. */
    reference: wellFormed(128).optional(),
    /** v2 (agents): where action.approved / burned / expired are POSTed; its origin is checked against CALLBACK_ORIGINS by the route. */
    callbackUrl: z
      .string()
      .min(1)
      .max(2048)
      .optional()
      .describe(
        'https on an origin in CALLBACK_ORIGINS (or, when RP_ID is localhost, http on a loopback host); no user info, no fragment',
      ),
  })
  .superRefine((body, ctx) => {
    if ((body.action === undefined) === (body.batch === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'exactly one of action and batch is required',
        path: ['action'],
      });
    } else if (body.batch !== undefined && body.display !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'is not taken with a batch: the service builds it',
        path: ['display'],
      });
    }
  });

export const RedeemRequest = z.object({
  receipt: z.string().min(1).max(8192),
  audience: z.string().min(1).max(256),
  /** v3, a batch receipt only: the item (0-based index), or distinct items, to spend (docs/batches.md). */
  item: z
    .union([z.number().int().min(0), z.array(z.number().int().min(0)).min(1).max(10_000)])
    .optional(),
});

const credentialBase = {
  id: b64url,
  rawId: b64url,
  type: z.literal('public-key'),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
};

/** RegistrationResponseJSON as @simplewebauthn/browser returns it. */
export const RegistrationResponse = z.object({
  ...credentialBase,
  response: z.object({
    clientDataJSON: b64url,
    attestationObject: b64url,
    authenticatorData: b64url.optional(),
    transports: z.array(z.string().max(32)).max(16).optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: b64url.optional(),
  }),
});

/** AuthenticationResponseJSON as @simplewebauthn/browser returns it. */
export const AuthenticationResponse = z.object({
  ...credentialBase,
  response: z.object({
    clientDataJSON: b64url,
    authenticatorData: b64url,
    signature: b64url,
    // Some browsers send null for "no user handle"; treat it as absent.
    userHandle: b64url.nullish().transform((v) => v ?? undefined),
  }),
});
