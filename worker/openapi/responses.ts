/**
 * Success bodies, for the document only: nothing parses an answer with these.
 * The request schemas in routes/schemas.ts are the ones that validate; these
 * describe what the routes build (test/worker/openapi.test.ts checks real
 * answers against them, member by member). Objects stay open, as docs/api.md
 * promises: "more assurance facts may be added".
 */
import * as z from 'zod';
import { ACTION_RESPONSE_SCHEMAS } from './action-responses';
import { EVIDENCE_RESPONSE_SCHEMAS } from './evidence-responses';
import { QUORUM_RESPONSE_SCHEMAS } from './quorum-responses';
import { b64url, isoSeconds } from './response-common';

export { ActionDetails } from './action-responses';

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

/** Named in `components.schemas`, in this order. */
export const RESPONSE_SCHEMAS = {
  ...ACTION_RESPONSE_SCHEMAS,
  Jwks,
  Health,
  OfflineGrants,
  ...EVIDENCE_RESPONSE_SCHEMAS,
  ...QUORUM_RESPONSE_SCHEMAS,
} as const;
