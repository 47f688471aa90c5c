/**
 * Request bodies of the offline routes (docs/offline.md ("Offline approvals")).
 * As in schemas.ts, these validate and /openapi.json is generated from them.
 */
import * as z from 'zod';
import { isGrantTypePattern } from '../../packages/psea/src/offline/grant-types';
import { SERVICE_AUDIENCE } from '../vault/ceremonies/credential-add-approval';
import { Action, AuthenticationResponse, SERVICE_TYPE_PREFIX, UserId, wellFormed } from './schemas';

/** An audience the RP names; never the service's own, as on `POST /v1/actions`. */
const Audience = wellFormed(256).refine(
  (a) => a !== SERVICE_AUDIENCE,
  `"${SERVICE_AUDIENCE}" is the service's own audience`,
);

/** `door.open` or `wire.*`; never a pattern that could cover one of the service's own types. */
const GrantType = z
  .string()
  .min(1)
  .max(130)
  .refine(isGrantTypePattern, 'must be an exact action type or "prefix.*"')
  .refine(
    (t) => !t.startsWith(SERVICE_TYPE_PREFIX),
    `types beginning "${SERVICE_TYPE_PREFIX}" are the service's own`,
  );

export const OfflineGrantRequest = z.object({
  count: z.number().int().min(1).max(100),
  ttl: z.number().int().min(60).max(2_592_000),
  audience: Audience,
  types: z.array(GrantType).min(1).max(32),
});

/**
 * The proof's display, kept exactly as sent (a check, never a rebuilt
 * object, as for the action): `dsp` is the hash of what the device hashed.
 */
export const OfflineDisplay = z.custom<Record<string, unknown>>(
  (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  'must be an object',
);

/** Exactly the members a device writes: any other would be signed but read by no verifier. */
const OfflineStatement = z.strictObject({
  v: z.literal(1),
  iss: wellFormed(2048),
  aud: Audience,
  sub: UserId,
  act: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a base64url SHA-256'),
  dsp: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, 'must be a base64url SHA-256')
    .optional(),
  nonce: z.string().regex(/^[A-Za-z0-9_-]{22,128}$/, 'must be a grant nonce (base64url)'),
  // A string, so an online statement (no mode) is no offline proof at all (400), and any other mode is 422.
  mode: z.string().max(32),
  signed_at: z.number().finite(),
});

export const OfflineProofRequest = z.strictObject({
  action: Action,
  display: OfflineDisplay.optional(),
  statement: OfflineStatement,
  assertion: AuthenticationResponse,
});
