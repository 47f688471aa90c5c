/** Documentation schemas of the quorum routes' answers (docs/quorum.md); nothing parses an answer with these. */
import * as z from 'zod';

const b64url = z.string().regex(/^[A-Za-z0-9_-]*$/);
const isoSeconds = z
  .string()
  .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
  .meta({ format: 'date-time' });
const state = z.enum(['pending', 'approved', 'expired', 'cancelled', 'burned']);

const QuorumCreated = z.object({
  quorum: z.string().max(512).describe('The quorum id: opaque, URL-safe'),
  actionHash: b64url,
  dsp: b64url,
  expiresAt: isoSeconds,
  statusToken: b64url.describe(
    "256 random bits that authorise only this quorum's GET route. Keep it secret.",
  ),
  approvers: z.array(
    z.object({
      user: z.string(),
      group: z.number().int().describe('Index of the group the user is listed in'),
      ticket: z
        .string()
        .max(512)
        .describe("The approver's own action ticket: give it to that person only"),
      approveUrl: z.url(),
    }),
  ),
});

const QuorumStatus = z.object({
  state,
  reference: z.string().optional(),
  groups: z.array(
    z.object({
      name: z.string().optional(),
      required: z.number().int(),
      approved: z.array(z.object({ user: z.string(), at: z.number().int().describe('seconds') })),
    }),
  ),
  receipt: z.string().optional().describe('The psea-quorum+jwt, once approved'),
});

const ApproverVerified = z
  .object({
    quorum: z.object({
      id: z.string(),
      state,
      groups: z.array(z.object({ required: z.number().int(), approved: z.array(z.string()) })),
    }),
    receipt: z
      .string()
      .optional()
      .describe('Only in the answer to the approval that met the quorum'),
  })
  .describe("An approver's verify on a quorum ticket");

const QuorumEvidence = z.looseObject({
  v: z.literal(1),
  receipt: z.string(),
  action: z.looseObject({ type: z.string() }),
  display: z.looseObject({}),
  quorum: z.looseObject({
    id: z.string(),
    initiator: z.string(),
    groups: z.array(z.looseObject({})),
  }),
  approvals: z.array(
    z.looseObject({
      statement: z.looseObject({}),
      assertion: z.looseObject({}),
      credential: z.looseObject({}),
      log: z.looseObject({}),
    }),
  ),
});

export const QUORUM_RESPONSE_SCHEMAS = {
  QuorumCreated,
  QuorumStatus,
  ApproverVerified,
  QuorumEvidence,
} as const;
