/** v2: documentation schemas of the evidence bundle and the transparency log (docs/evidence.md). */
import * as z from 'zod';
import { Display, Statement, b64url } from './response-common';

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

/** Named in `components.schemas`, in this order (responses.ts). */
export const EVIDENCE_RESPONSE_SCHEMAS = { Evidence, LogPage, LogConsistency } as const;
