/** Documentation schemas several answers share: encodings, times, and what a passkey signs. */
import * as z from 'zod';

export const b64url = z.string().regex(/^[A-Za-z0-9_-]*$/);
// Readable patterns rather than zod's exact date regex: a person reads these.
export const isoSeconds = z
  .string()
  .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
  .meta({ format: 'date-time', description: 'UTC, whole seconds (`2026-11-22T10:00:00Z`)' });
export const isoTime = z
  .string()
  .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
  .meta({ format: 'date-time' });

export const Display = z.object({
  title: z.string(),
  fields: z.array(z.object({ label: z.string(), value: z.string() })),
});

export const Statement = z
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
