/** Log hygiene: a full flow with failures logs no API key, ticket, receipt or private key text. */
import { afterEach, beforeEach, expect, it, vi, type MockInstance } from 'vitest';
import { env } from 'cloudflare:test';
import {
  actionState,
  assertion,
  call,
  callApp,
  enroll,
  enrollmentTicket,
  expectProblem,
  newUserId,
  requestAction,
  verify,
} from './harness';

const METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
let spies: MockInstance[] = [];
beforeEach(() => {
  spies = METHODS.map((m) => vi.spyOn(console, m).mockImplementation(() => undefined));
});
afterEach(() => spies.forEach((s) => s.mockRestore()));

const output = (): string =>
  spies
    .flatMap((s) => s.mock.calls)
    .map((args) =>
      args
        .map((a) =>
          a instanceof Error
            ? `${a.message} ${a.stack}`
            : typeof a === 'string'
              ? a
              : JSON.stringify(a),
        )
        .join(' '),
    )
    .join('\n');

it('no secret, ticket or receipt reaches the logs', async () => {
  const userId = newUserId('logs');
  const enrollTicket = await enrollmentTicket(userId);
  const { auth } = await enroll(userId);
  const { ticket } = await requestAction(userId);

  // Failures of every kind on the way.
  expectProblem(
    await verify(ticket, await assertion(ticket, auth, { signature: 'flip' })),
    422,
    'signature_invalid',
  );
  expectProblem(
    await verify(ticket, await assertion(ticket, auth, { clientDataJSON: () => 'nope' })),
    400,
    'invalid_request',
  );
  expectProblem(
    await call('GET', '/v1/users/x/credentials', undefined, {
      auth: `${env.API_KEYS!.split(',')[0]}x`,
    }),
    401,
    'unauthorized',
  );
  expectProblem(
    await call('POST', `/v1/actions/${ticket}x/verify`, {}, { auth: false }),
    404,
    'ticket_not_found',
  );
  const ok = await verify(ticket, await assertion(ticket, auth));
  expect(ok.status).toBe(200);
  const receipt = ok.body.receipt as string;
  expect(
    (await call('POST', '/v1/receipts/redeem', { receipt, audience: 'payments-api' })).status,
  ).toBe(200);
  expectProblem(
    await call('POST', '/v1/receipts/redeem', { receipt, audience: 'payments-api' }),
    409,
    'receipt_redeemed',
  );
  expectProblem(
    await call('POST', '/v1/receipts/redeem', { receipt: `${receipt}x`, audience: 'payments-api' }),
    401,
    'receipt_invalid',
  );
  expect((await actionState(ticket)).state).toBe('approved');
  // Misconfiguration logs a line, naming the setting only.
  const shortKey = 'short-secret-key-value';
  expectProblem(
    await callApp({ API_KEYS: shortKey }, 'GET', '/v1/users/x/credentials', undefined, {
      auth: shortKey,
    }),
    500,
    'misconfigured',
  );
  const badKeys = JSON.stringify({
    keys: [
      { kty: 'EC', crv: 'P-256', x: 'bm90LWEta2V5', y: 'bm90LWEta2V5', d: 'c2VjcmV0LWQtdmFsdWU' },
    ],
  });
  expectProblem(
    await callApp({ RECEIPT_SIGNING_KEYS: badKeys }, 'GET', '/.well-known/jwks.json', undefined, {
      auth: false,
    }),
    500,
    'misconfigured',
  );

  const text = output();
  expect(text).toContain('API_KEYS'); // the log line exists, so the checks below mean something
  const secrets = [
    ...env.API_KEYS!.split(','),
    shortKey,
    'c2VjcmV0LWQtdmFsdWU',
    ...JSON.parse(env.RECEIPT_SIGNING_KEYS!).keys.map((k: { d: string }) => k.d),
    ticket,
    ticket.split('.')[1]!,
    enrollTicket.split('.')[1]!,
    receipt,
    receipt.split('.')[2]!,
  ];
  for (const s of secrets) expect(text).not.toContain(s);
});
