/**
 * The OpenAPI 3.1 document served at /openapi.json, built from the route
 * table (operations.ts), the routes' own request schemas, the documentation
 * schemas of answers (responses.ts) and PROBLEMS. Built on first request and
 * kept: the isolate serves the same routes for its whole life.
 */
import { version } from '../../package.json';
import { UserId } from '../routes/schemas';
import {
  JSON_SCHEMA_DIALECT,
  componentRef,
  toJsonSchema,
  toJsonSchemas,
  type JsonSchema,
} from './json-schema';
import {
  OPERATIONS,
  REQUEST_SCHEMAS,
  type Answer,
  type Audience,
  type Operation,
  type ParameterName,
} from './operations';
import { problemResponses, problemSchema } from './problems';
import { RESPONSE_SCHEMAS } from './responses';

const TAGS: Record<Audience, string> = {
  server: 'Called by the host backend with `Authorization: Bearer <API key>`. No CORS.',
  browser:
    'Called by the widget or a hosted page; the ticket is the authorisation. CORS for ALLOWED_ORIGINS only; POST bodies may be sent as text/plain (no preflight).',
  public: 'No authorisation.',
};

function parameters(): Record<ParameterName, JsonSchema> {
  return {
    ticket: {
      name: 'ticket',
      in: 'path',
      required: true,
      description: 'An opaque ticket (at most 512 characters, URL-safe)',
      schema: { type: 'string', maxLength: 512 },
    },
    id: {
      name: 'id',
      in: 'path',
      required: true,
      description: "The RP's user id",
      schema: toJsonSchema(UserId),
    },
    credentialId: {
      name: 'credentialId',
      in: 'path',
      required: true,
      description: 'A credential id (base64url)',
      schema: { type: 'string' },
    },
    file: {
      name: 'file',
      in: 'path',
      required: true,
      description: 'An asset name',
      schema: { type: 'string' },
    },
    v: {
      name: 'v',
      in: 'query',
      required: false,
      description: "The asset's ETag: the answer is then cacheable for a year",
      schema: { type: 'string' },
    },
    wait: {
      name: 'wait',
      in: 'query',
      required: false,
      description: 'v2: hold the answer up to this many whole seconds while the state is `pending`',
      schema: { type: 'integer', minimum: 0, maximum: 60, default: 0 },
    },
    start: {
      name: 'start',
      in: 'query',
      required: false,
      description: 'First entry index (default 0; at most the log size)',
      schema: { type: 'integer', minimum: 0 },
    },
    end: {
      name: 'end',
      in: 'query',
      required: false,
      description:
        'Entry index to stop before (exclusive; at most start + 1000; default start + 1000, clamped to the size)',
      schema: { type: 'integer', minimum: 0 },
    },
    from: {
      name: 'from',
      in: 'query',
      required: true,
      description: 'The tree size of the checkpoint the caller holds (at most the current size)',
      schema: { type: 'integer', minimum: 0 },
    },
    since: {
      name: 'since',
      in: 'query',
      required: false,
      description:
        'The tree size of a checkpoint the caller holds: the bundle then carries a consistency proof from it',
      schema: { type: 'integer', minimum: 0 },
    },
    idempotencyKey: {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'v3: 1–255 printable ASCII characters. The first answer that is not a 5xx is kept 24 hours per API key and key, and replayed (with `Idempotent-Replayed: true`) to a repeat with a byte-identical body; another body is 422 `idempotency_mismatch`, a repeat while the first runs 409 `idempotency_in_progress`.',
      schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7E]+$' },
    },
    quorum: {
      name: 'quorum',
      in: 'path',
      required: true,
      description: 'v3: a quorum id, as POST /v1/quorums made it',
      schema: { type: 'string', maxLength: 512 },
    },
    quorumSince: {
      name: 'since',
      in: 'query',
      required: false,
      description:
        'v3: a URL-encoded JSON object mapping approver user ids to checkpoint sizes the caller holds',
      schema: { type: 'string' },
    },
    attestation: {
      name: 'attestation',
      in: 'query',
      required: false,
      description:
        "1: include the enrollment's attestationObject (it may carry device certificates)",
      schema: { type: 'string', enum: ['0', '1'] },
    },
  };
}

function answer(a: Answer): JsonSchema {
  const content: Record<string, JsonSchema> = {};
  if (a.schema) content['application/json'] = { schema: { $ref: componentRef(a.schema) } };
  for (const media of a.media ?? [])
    content[media] = { schema: { type: media === 'application/json' ? 'object' : 'string' } };
  return Object.keys(content).length
    ? { description: a.description, content }
    : { description: a.description };
}

function operation(op: Operation): JsonSchema {
  const out: JsonSchema = { operationId: op.operationId, tags: [op.audience], summary: op.summary };
  if (op.description) out.description = op.description;
  if (op.audience === 'server') out.security = [{ bearerAuth: [] }];
  if (op.parameters)
    out.parameters = op.parameters.map((name) => ({ $ref: `#/components/parameters/${name}` }));
  if (op.body) {
    const schema = { $ref: componentRef(op.body.schema) };
    const content: JsonSchema = { 'application/json': { schema } };
    if (op.body.textPlain) content['text/plain'] = { schema };
    out.requestBody = { required: true, content };
  }
  const answers = Object.fromEntries(
    Object.entries(op.answers).map(([status, a]) => [status, answer(a)]),
  );
  out.responses = { ...answers, ...problemResponses(op.problems) };
  // Who may read the answer cross-origin: the allow-list, anyone, or (absent) no one.
  if (op.audience === 'browser') out['x-psea-cors'] = 'ALLOWED_ORIGINS';
  else if (op.anyOrigin) out['x-psea-cors'] = '*';
  return out;
}

function build(): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operation(op);
  const requests = Object.fromEntries(
    Object.entries(REQUEST_SCHEMAS).map(([name, schema]) => [name, toJsonSchema(schema)]),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'PSEA',
      version,
      summary:
        'Post-Session Execution Assurance: a passkey signs one exact action; the answer is a signed execution receipt.',
      description:
        'Request body schemas are the ones the service validates with. Response schemas describe what it answers; objects may gain members. Errors are application/problem+json (`Problem`).',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    jsonSchemaDialect: JSON_SCHEMA_DIALECT,
    tags: (Object.keys(TAGS) as Audience[]).map((name) => ({ name, description: TAGS[name] })),
    paths,
    components: {
      schemas: { ...requests, ...toJsonSchemas(RESPONSE_SCHEMAS), Problem: problemSchema() },
      parameters: parameters(),
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'One of the API_KEYS' },
      },
    },
  };
}

let memo: string | undefined;

/** The document as served, serialised once per isolate. */
export function openApiJson(): string {
  return (memo ??= JSON.stringify(build()));
}
