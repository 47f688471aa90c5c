import { z } from 'zod';
import type { Policy } from './types';

const aaguid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i).transform((s) => s.toLowerCase());
const thresholds = z.record(z.string().min(1), z.number().finite()).optional();

const PolicySchema = z
  .object({
    attestation: z.enum(['none', 'direct', 'enterprise']).default('none'),
    allowSynced: z.boolean().default(true),
    aaguidAllow: z.array(aaguid).min(1).optional(),
    aaguidDeny: z.array(aaguid).optional(),
    rules: z
      .array(
        z.strictObject({
          id: z.string().min(1).max(64),
          match: z
            .strictObject({
              type: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
              gt: thresholds,
              gte: thresholds,
              lt: thresholds,
              lte: thresholds,
            })
            .optional(),
          require: z
            .strictObject({
              deviceBound: z.boolean().optional(),
              attested: z.boolean().optional(),
              aaguids: z.array(aaguid).min(1).optional(),
            })
            .default({}),
        }),
      )
      .min(1),
  })
  .strict()
  .refine((p) => new Set(p.rules.map((r) => r.id)).size === p.rules.length, { message: 'rule ids must be unique' });

/** The shipped default: one catch-all rule, any user-verified passkey. */
export const DEFAULT_POLICY: Policy = {
  attestation: 'none',
  allowSynced: true,
  rules: [{ id: 'default', require: {} }],
};

/**
 * Parse the POLICY var. Empty means the default; anything malformed throws
 * with the failing path, and the caller fails closed.
 */
export function parsePolicy(raw: string | undefined): Policy {
  if (raw === undefined || raw.trim() === '') return DEFAULT_POLICY;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error('not JSON');
  }
  const result = PolicySchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data as Policy;
}
