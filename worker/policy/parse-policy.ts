/**
 * The POLICY var: which authenticators may enroll, and which may approve
 * which actions. Parsed once and validated as a whole, so a policy that
 * contradicts itself (an attested rule with attestation "none", a rule that
 * can never match, models both allowed and denied) stops the service at
 * start instead of surprising someone at approval time.
 */
import * as z from 'zod';
import {
  certificateDer,
  canonicalPem,
  normaliseFingerprint,
} from '../../packages/psea/src/internal/certificates';
import { bareOrigin } from '../lib/bare-origin';
import { findStrictest, STRICTEST_ID } from './strictest';
import { ANCHORED_FORMATS, type AnchoredFormat, type Policy, type PolicyRule } from './types';

const aaguid = z
  .string()
  .regex(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    'not an AAGUID (8-4-4-4-12 hex)',
  )
  .transform((s) => s.toLowerCase());
const thresholds = z.record(z.string().min(1), z.number().finite()).optional();
const certificate = z.string().transform((text, ctx) => {
  try {
    return canonicalPem(certificateDer(text));
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not a PEM or base64 DER X.509 certificate' });
    return z.NEVER;
  }
});
const fingerprint = z.string().transform((text, ctx) => {
  const hex = normaliseFingerprint(text);
  if (!hex) ctx.addIssue({ code: 'custom', message: 'not a SHA-256 fingerprint (64 hex digits)' });
  return hex ?? z.NEVER;
});
const anchors = z.array(certificate).min(1).optional();
const origin = z.string().transform((text, ctx) => {
  const o = bareOrigin(text);
  if (!o) ctx.addIssue({ code: 'custom', message: 'not a bare origin (scheme://host[:port])' });
  return o ?? z.NEVER;
});

const PolicySchema = z.strictObject({
  attestation: z.enum(['none', 'direct', 'enterprise']).optional(),
  allowSynced: z.boolean().default(true),
  aaguidAllow: z.array(aaguid).min(1).optional(),
  aaguidDeny: z.array(aaguid).optional(),
  trustAnchors: z
    .strictObject({ packed: anchors, tpm: anchors, 'fido-u2f': anchors } satisfies Record<
      AnchoredFormat,
      unknown
    >)
    .default({}),
  revokedCertificates: z.array(fingerprint).default([]),
  // docs/adding-a-passkey.md ("Adding a passkey"): "open" lets a later passkey in without an existing one's approval (v1).
  enrollment: z
    .strictObject({ addCredential: z.enum(['approved', 'open']).default('approved') })
    .default({ addCredential: 'approved' }),
  rules: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, '1-64 letters, digits or . _ : -'),
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
        origins: z.array(origin).min(1).optional(),
        refuseFormatChars: z.boolean().optional(),
        offline: z.boolean().optional(),
      }),
    )
    .min(1),
});

type Parsed = z.infer<typeof PolicySchema>;

/** A rule with no conditions matches every action. */
function isCatchAll(rule: Pick<PolicyRule, 'match'>): boolean {
  const m = rule.match;
  return !m || Object.values(m).every((v) => v === undefined);
}

/** Cross-field checks zod cannot express; returns the first problem as `path: message`. */
function contradiction(p: Parsed): string | undefined {
  const ids = new Set<string>();
  const deny = new Set(p.aaguidDeny ?? []);
  const allow = p.aaguidAllow ? new Set(p.aaguidAllow) : undefined;
  for (const [i, rule] of p.rules.entries()) {
    const at = `rules.${i}`;
    if (ids.has(rule.id)) return `${at}.id: rule ids must be unique`;
    if (rule.id === STRICTEST_ID) return `${at}.id: "${STRICTEST_ID}" is reserved`;
    ids.add(rule.id);
    if (i > 0 && isCatchAll(p.rules[i - 1]!))
      return `${at}: can never match, the rule before it matches every action`;
    if (rule.require.attested && p.attestation === 'none') {
      return `${at}.require.attested: needs attestation "direct" or "enterprise"; with "none" nothing is ever attested`;
    }
    for (const model of rule.require.aaguids ?? []) {
      if (deny.has(model)) return `${at}.require.aaguids: ${model} is also in aaguidDeny`;
      if (allow && !allow.has(model))
        return `${at}.require.aaguids: ${model} is not in aaguidAllow`;
    }
  }
  for (const model of deny)
    if (allow?.has(model)) return `aaguidDeny: ${model} is also in aaguidAllow`;
  return undefined;
}

/** The shipped default: one catch-all rule, any user-verified passkey. */
export const DEFAULT_POLICY: Policy = {
  attestation: 'none',
  allowSynced: true,
  rules: [{ id: 'default', require: {} }],
  strictest: { id: 'default', require: {} },
  trustAnchors: {},
  revokedCertificates: [],
  enrollment: { addCredential: 'approved' },
};

/**
 * Parse the POLICY var. Empty means {@link DEFAULT_POLICY}; anything
 * malformed or contradictory throws `path: why`, and the caller fails closed.
 * @example parsePolicy('{"rules":[{"id":"big","match":{"type":"wire.transfer","gt":{"amount":10000}},"require":{"deviceBound":true,"attested":true}},{"id":"default"}]}')
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
  const p = result.data;
  const problem = contradiction(p);
  if (problem) throw new Error(problem);
  const rules: PolicyRule[] = p.rules.map((r) => ({
    id: r.id,
    ...(r.match ? { match: r.match } : {}),
    require: r.require,
    ...(r.origins ? { origins: [...new Set(r.origins)] } : {}),
    ...(r.refuseFormatChars ? { refuseFormatChars: true } : {}),
    ...(r.offline ? { offline: true } : {}),
  }));
  const strictest = findStrictest(rules);
  if (strictest.require.aaguids?.length === 0) {
    throw new Error(
      'rules: their aaguids lists share no model, so an action no rule decides could never be approved',
    );
  }
  if (strictest.origins?.length === 0) {
    throw new Error(
      'rules: their origins lists share no origin, so an action no rule decides could never be approved',
    );
  }
  const trustAnchors: Policy['trustAnchors'] = {};
  for (const fmt of ANCHORED_FORMATS)
    if (p.trustAnchors[fmt]) trustAnchors[fmt] = p.trustAnchors[fmt];
  return {
    // Attested rules need attestation conveyed; otherwise ask for none (no privacy prompt).
    attestation: p.attestation ?? (rules.some((r) => r.require.attested) ? 'direct' : 'none'),
    allowSynced: p.allowSynced,
    ...(p.aaguidAllow ? { aaguidAllow: p.aaguidAllow } : {}),
    ...(p.aaguidDeny?.length ? { aaguidDeny: p.aaguidDeny } : {}),
    rules,
    strictest,
    trustAnchors,
    revokedCertificates: [...new Set(p.revokedCertificates)],
    enrollment: { addCredential: p.enrollment.addCredential },
  };
}
