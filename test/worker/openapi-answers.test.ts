/**
 * /openapi.json against what the routes really do: a full enroll-approve-redeem
 * run whose every answer has a documented status and parses with its
 * documented schema, naming no member the schema leaves out; and, for every
 * documented operation, the API key and CORS behave as the document says.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ASSETS } from '../../worker/generated/widget';
import { OPERATIONS, type Operation } from '../../worker/openapi/operations';
import { RESPONSE_SCHEMAS } from '../../worker/openapi/responses';
import {
  OTHER_ALLOWED_ORIGIN,
  WIRE,
  assertion,
  call,
  enroll,
  newUserId,
  requestAction,
  verify,
  type Reply,
} from './harness';

const key = (op: Operation) => `${op.method.toUpperCase()} ${op.path}`;
const mountedOps = OPERATIONS;

/** Members of `value` that `schema` does not name, as dotted paths. `open` paths hold the RP's own members. */
function undocumented(
  schema: z.ZodType,
  value: unknown,
  path = '',
  open: ReadonlySet<string> = new Set(['action']),
): string[] {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable)
    return value == null ? [] : undocumented(schema.unwrap() as z.ZodType, value, path, open);
  if (schema instanceof z.ZodArray && Array.isArray(value))
    return value.flatMap((v, i) =>
      undocumented(schema.element as z.ZodType, v, `${path}[${i}]`, open),
    );
  if (
    !(schema instanceof z.ZodObject) ||
    value === null ||
    typeof value !== 'object' ||
    open.has(path)
  )
    return [];
  const shape = schema.shape as Record<string, z.ZodType>;
  return Object.entries(value).flatMap(([name, v]) => {
    const at = path ? `${path}.${name}` : name;
    return shape[name] ? undocumented(shape[name], v, at, open) : [at];
  });
}

/** The answer has a documented status and, for a JSON success, fits its documented schema member for member. */
function expectDocumented(operationId: string, reply: Reply): void {
  const op = OPERATIONS.find((o) => o.operationId === operationId)!;
  const answer = op.answers[reply.status];
  expect(
    answer,
    `${operationId} answered ${reply.status}: ${JSON.stringify(reply.body)}`,
  ).toBeDefined();
  if (!answer!.schema) return;
  const schema = RESPONSE_SCHEMAS[answer!.schema];
  const parsed = schema.safeParse(reply.body);
  expect(parsed.success, `${operationId}: ${parsed.error?.message}`).toBe(true);
  expect(undocumented(schema, reply.body), operationId).toEqual([]);
}

describe('real answers fit the documented response schemas', () => {
  it('enroll, approve, status, redeem, list, revoke, keys, health', async () => {
    const userId = newUserId('openapi');
    const ticket = (await call('POST', '/v1/enrollments', { user: { id: userId, name: 'ada' } }))
      .body.ticket;
    expectDocumented(
      'createEnrollment',
      await call('POST', '/v1/enrollments', { user: { id: newUserId(), name: 'ada' } }),
    );
    expectDocumented(
      'getEnrollmentOptions',
      await call('GET', `/v1/enrollments/${ticket}`, undefined, { auth: false }),
    );
    const { auth, reply: enrolled } = await enroll(userId);
    expectDocumented('completeEnrollment', enrolled);

    const action = await requestAction(userId, {
      display: { title: 'Send', fields: [{ label: 'To', value: WIRE.to }] },
    });
    expectDocumented(
      'createAction',
      await call('POST', '/v1/actions', { user: { id: userId }, action: WIRE }),
    );
    expectDocumented(
      'getAction',
      await call('GET', `/v1/actions/${action.ticket}`, undefined, { auth: false }),
    );
    expectDocumented('getActionStatus', await call('GET', `/v1/actions/${action.ticket}/status`));
    const approved = await verify(action.ticket, await assertion(action.ticket, auth));
    expectDocumented('verifyAction', approved);
    expectDocumented('getActionStatus', await call('GET', `/v1/actions/${action.ticket}/status`));
    expectDocumented(
      'getEvidence',
      await call('GET', `/v1/actions/${action.ticket}/evidence?since=1&attestation=1`),
    );
    expectDocumented('getLog', await call('GET', `/v1/users/${userId}/log`));
    expectDocumented(
      'getLogConsistency',
      await call('GET', `/v1/users/${userId}/log/consistency?from=1`),
    );
    expectDocumented(
      'redeemReceipt',
      await call('POST', '/v1/receipts/redeem', {
        receipt: approved.body.receipt,
        audience: 'payments-api',
      }),
    );

    const listed = await call('GET', `/v1/users/${userId}/credentials`);
    expectDocumented('listCredentials', listed);
    expectDocumented(
      'revokeCredential',
      await call('DELETE', `/v1/users/${userId}/credentials/${listed.body.credentials[0].id}`),
    );
    expectDocumented('listCredentials', await call('GET', `/v1/users/${userId}/credentials`));

    expectDocumented(
      'getJwks',
      await call('GET', '/.well-known/jwks.json', undefined, { auth: false }),
    );
    expectDocumented(
      'getLogKeys',
      await call('GET', '/.well-known/psea-log-key', undefined, { auth: false }),
    );
    expectDocumented('getHealth', await call('GET', '/healthz', undefined, { auth: false }));
  });

  it('the walker finds a member the schema leaves out', () => {
    expect(
      undocumented(RESPONSE_SCHEMAS.Redeemed, {
        claims: { cred: { id: 'a', secret: 1 } },
        extra: 1,
      }),
    ).toEqual(['claims.cred.secret', 'extra']);
  });
});

/** A concrete URL for an operation: well-formed, unknown values for its parameters. */
function urlOf(op: Operation): string {
  const asset = Object.keys(ASSETS)
    .find((name) => name.startsWith('/pages/'))!
    .slice('/pages/'.length);
  const values: Record<string, string> = {
    ticket: `${'a'.repeat(64)}.${'b'.repeat(43)}`,
    id: 'u-openapi',
    credentialId: 'abc',
    file: asset,
  };
  return op.path.replace(/\{(\w+)\}/g, (_, name: string) => values[name]!);
}

describe('authorisation and CORS are as documented', () => {
  it('every server operation, and only those, needs the API key', async () => {
    for (const op of mountedOps) {
      const r = await call(op.method.toUpperCase(), urlOf(op), op.body ? {} : undefined, {
        auth: false,
        headers: { origin: OTHER_ALLOWED_ORIGIN },
      });
      if (op.audience === 'server') expect(r.body?.code, key(op)).toBe('unauthorized');
      else expect(r.status, key(op)).not.toBe(401);
      // Whatever it answered is documented for it.
      if (r.headers.get('content-type')?.startsWith('application/problem+json'))
        expect(op.problems, key(op)).toContain(r.body.code);
      else expect(Object.keys(op.answers), key(op)).toContain(String(r.status));
      // Cross-origin readers: the allow-list on browser routes, anyone where documented, no one elsewhere.
      const allowed = r.headers.get('access-control-allow-origin');
      expect(allowed, key(op)).toBe(
        op.audience === 'browser' ? OTHER_ALLOWED_ORIGIN : op.anyOrigin ? '*' : null,
      );
    }
  });

  it('browser operations, and only those, answer a preflight from an allowed origin', async () => {
    for (const op of mountedOps) {
      const r = await call('OPTIONS', urlOf(op), undefined, {
        auth: false,
        headers: {
          origin: OTHER_ALLOWED_ORIGIN,
          'access-control-request-method': op.method.toUpperCase(),
        },
      });
      const preflight =
        r.status === 204 && r.headers.get('access-control-allow-origin') === OTHER_ALLOWED_ORIGIN;
      expect(preflight, key(op)).toBe(op.audience === 'browser');
    }
  });
});
