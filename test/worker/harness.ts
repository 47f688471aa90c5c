/** Shared steps for worker tests: the Worker's real routes (its fetch handler, or SELF), a soft authenticator as the person's device. */
import { createExecutionContext, env, runInDurableObject, SELF } from 'cloudflare:test';
import app from '../../demo/index';
import { ticketHash } from '../../worker/http/ticket';
import { sha256B64url } from '../../packages/psea/src/internal/sha256-b64url';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { SoftAuthenticator } from '../support/soft-authenticator';
import type {
  AssertionBend,
  RegistrationBend,
  SoftAuthenticatorOptions,
} from '../support/soft-authenticator/types';

/** The service's own origin in tests; also an allowed origin, as with `wrangler dev`. */
export const BASE = 'http://localhost:8787';
const ORIGIN = BASE;
export { ORIGIN };
export const OTHER_ALLOWED_ORIGIN = 'https://app.example.com';

export const apiKey = (): string => env.API_KEYS!.split(',')[0]!;

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function call<T = any>(
  method: string,
  path: string,
  body?: unknown,
  opts: {
    auth?: boolean | string;
    headers?: Record<string, string>;
    raw?: BodyInit;
    via?: 'app' | 'self';
  } = {},
): Promise<Reply<T>> {
  const headers = new Headers(opts.headers);
  if (body !== undefined || opts.raw !== undefined)
    headers.set('content-type', headers.get('content-type') ?? 'application/json');
  if (opts.auth !== false)
    headers.set('authorization', `Bearer ${typeof opts.auth === 'string' ? opts.auth : apiKey()}`);
  const init = {
    method,
    headers,
    body: opts.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  };
  // The Worker's own fetch handler, in this isolate: SELF.fetch slows with every request a
  // file makes (workers-sdk#15446); `via: 'self'` still goes through the service binding.
  const res =
    opts.via === 'self'
      ? await SELF.fetch(`${BASE}${path}`, init)
      : await app.fetch(new Request(`${BASE}${path}`, init), env, createExecutionContext());
  return reply<T>(res);
}

/** A response as tests read it: JSON parsed when it is JSON, else the text. */
async function reply<T>(res: Response): Promise<Reply<T>> {
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

let users = 0;
/** A fresh user id per test, so vaults never leak state between tests. */
export const newUserId = (label = 'u'): string => `${label}-${Date.now().toString(36)}-${++users}`;

export async function enrollmentTicket(userId: string): Promise<string> {
  const r = await call('POST', '/v1/enrollments', {
    user: { id: userId, name: `${userId}@example.com`, displayName: 'Test' },
  });
  if (r.status !== 201) throw new Error(`enrollment ticket: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.ticket as string;
}

/** Enroll a soft authenticator for a user, end to end through the routes. */
export async function enroll(
  userId: string,
  options: SoftAuthenticatorOptions = {},
  bend?: RegistrationBend,
): Promise<{ auth: SoftAuthenticator; ticket: string; reply: Reply }> {
  const auth = await SoftAuthenticator.create(options);
  const ticket = await enrollmentTicket(userId);
  const opts = await call('GET', `/v1/enrollments/${ticket}`, undefined, { auth: false });
  const response = await auth.register(opts.body.options, { origin: ORIGIN, bend });
  const reply = await call('POST', `/v1/enrollments/${ticket}`, response, { auth: false });
  return { auth, ticket, reply };
}

/** POST /v1/enrollments/:ticket/approve: an existing credential's assertion for the held one. */
export function approveEnrollment(ticket: string, response: unknown): Promise<Reply> {
  return call('POST', `/v1/enrollments/${ticket}/approve`, response, { auth: false });
}

/**
 * Register a new soft authenticator on a new enrollment ticket and return the
 * answer as is: 201 for a first enrollment, 202 (held) for a user who has
 * enrolled before (SPEC v2 "Adding a passkey needs an existing passkey").
 */
export async function register(
  userId: string,
  options: SoftAuthenticatorOptions = {},
  bend?: RegistrationBend,
  extra: Record<string, unknown> = {},
): Promise<{ auth: SoftAuthenticator; ticket: string; reply: Reply }> {
  const auth = await SoftAuthenticator.create(options);
  const r = await call('POST', '/v1/enrollments', {
    user: { id: userId, name: `${userId}@example.com`, displayName: 'Test' },
    ...extra,
  });
  if (r.status !== 201) throw new Error(`enrollment ticket: ${r.status} ${JSON.stringify(r.body)}`);
  const ticket = r.body.ticket as string;
  const opts = await call('GET', `/v1/enrollments/${ticket}`, undefined, { auth: false });
  const reply = await call(
    'POST',
    `/v1/enrollments/${ticket}`,
    await auth.register(opts.body.options, { origin: ORIGIN, bend }),
    { auth: false },
  );
  return { auth, ticket, reply };
}

/**
 * Add a credential for a user who already has one: the registration is held
 * (202), then `approver` approves that very credential (201). Throws unless both happen.
 */
export async function enrollAnother(
  userId: string,
  approver: SoftAuthenticator,
  options: SoftAuthenticatorOptions = {},
  bend?: RegistrationBend,
): Promise<{ auth: SoftAuthenticator; ticket: string; held: Reply; reply: Reply }> {
  const { auth, ticket, reply: held } = await register(userId, options, bend);
  if (held.status !== 202)
    throw new Error(`held registration: ${held.status} ${JSON.stringify(held.body)}`);
  const reply = await approveEnrollment(
    ticket,
    await approver.assert(held.body.approval.options, { origin: ORIGIN }),
  );
  if (reply.status !== 201)
    throw new Error(`enrollment approval: ${reply.status} ${JSON.stringify(reply.body)}`);
  return { auth, ticket, held, reply };
}

export const WIRE = {
  type: 'wire.transfer',
  amount: '1250.00',
  currency: 'EUR',
  to: 'DE89370400440532013000',
};

/** One call per server route (method, path, a valid-shaped body): they all need an API key. */
export const SERVER_ROUTES: [string, string, unknown?][] = [
  ['POST', '/v1/enrollments', { user: { id: 'u-1', name: 'ada' } }],
  ['POST', '/v1/actions', { user: { id: 'u-1' }, action: WIRE }],
  ['GET', `/v1/actions/${'a'.repeat(64)}.${'b'.repeat(43)}/status`],
  ['POST', '/v1/receipts/redeem', { receipt: 'a.b.c', audience: 'x' }],
  ['GET', '/v1/users/u-1/credentials'],
  ['DELETE', '/v1/users/u-1/credentials/abc'],
  [
    'POST',
    '/v1/users/u-1/offline-grants',
    { count: 1, ttl: 60, audience: 'door-7', types: ['door.open'] },
  ],
];

export async function requestAction(
  userId: string,
  extra: Record<string, unknown> = {},
): Promise<{
  ticket: string;
  actionHash: string;
  dsp: string;
  expiresAt: string;
  approveUrl: string;
  statusToken: string;
}> {
  const r = await call('POST', '/v1/actions', {
    user: { id: userId },
    action: WIRE,
    audience: 'payments-api',
    ...extra,
  });
  if (r.status !== 201) throw new Error(`action ticket: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Fetch the ticket's options and answer them with the authenticator (optionally bent). */
export async function assertion(
  ticket: string,
  auth: SoftAuthenticator,
  bend?: AssertionBend,
): Promise<AuthenticationResponseJSON> {
  const details = await call('GET', `/v1/actions/${ticket}`, undefined, { auth: false });
  if (details.status !== 200)
    throw new Error(`action details: ${details.status} ${JSON.stringify(details.body)}`);
  return auth.assert(details.body.options, { origin: ORIGIN, bend });
}

export function verify(ticket: string, response: unknown): Promise<Reply> {
  return call('POST', `/v1/actions/${ticket}/verify`, response, { auth: false });
}

/** What the verify route hands the vault as `accepted` for a body `verify()` posts. */
export function bodyHash(response: unknown): Promise<string> {
  return sha256B64url(JSON.stringify(response));
}

/**
 * Wait until the clock has moved on by a millisecond, so the next ticket is
 * created strictly after the last use (the counter rule compares times).
 */
export async function nextMillisecond(): Promise<void> {
  const start = Date.now();
  while (Date.now() <= start) await scheduler.wait(1);
}

/** An enrolled user with one pending action ticket. */
export async function pendingApproval(
  options: SoftAuthenticatorOptions = {},
  extra: Record<string, unknown> = {},
) {
  const userId = newUserId();
  const { auth } = await enroll(userId, options);
  const action = await requestAction(userId, extra);
  return { userId, auth, ...action };
}

export function expectProblem(reply: Reply, status: number, code: string): void {
  if (reply.status !== status || reply.body?.code !== code) {
    throw new Error(
      `expected ${status} ${code}, got ${reply.status} ${JSON.stringify(reply.body)}`,
    );
  }
  if (!reply.headers.get('content-type')?.startsWith('application/problem+json')) {
    throw new Error(`expected problem+json, got ${reply.headers.get('content-type')}`);
  }
}

// ---- helpers for the negative and config suites ----

/** GET /v1/actions/:ticket (browser route, no API key). */
export function details(ticket: string): Promise<Reply> {
  return call('GET', `/v1/actions/${ticket}`, undefined, { auth: false });
}

/** GET /v1/actions/:ticket/status (server route). */
export async function actionState(ticket: string): Promise<{ state: string; receipt?: string }> {
  const r = await call('GET', `/v1/actions/${ticket}/status`);
  if (r.status !== 200) throw new Error(`status: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** GET /v1/users/:id/credentials (server route). */
export async function credentialsOf(userId: string): Promise<any[]> {
  const r = await call('GET', `/v1/users/${encodeURIComponent(userId)}/credentials`);
  if (r.status !== 200) throw new Error(`credentials: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.credentials;
}

/** Creation options for an enrollment ticket. */
export async function enrollmentOptions(ticket: string): Promise<any> {
  const r = await call('GET', `/v1/enrollments/${ticket}`, undefined, { auth: false });
  if (r.status !== 200)
    throw new Error(`enrollment options: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.options;
}

export function postEnrollment(ticket: string, response: unknown): Promise<Reply> {
  return call('POST', `/v1/enrollments/${ticket}`, response, { auth: false });
}

/**
 * Call the app directly with a modified env (config tests): the Worker half
 * sees the override; Durable Objects keep the real bindings.
 */
export async function callApp<T = any>(
  overrides: Partial<Cloudflare.Env>,
  method: string,
  path: string,
  body?: unknown,
  opts: { auth?: boolean | string; headers?: Record<string, string>; base?: string } = {},
): Promise<Reply<T>> {
  const headers = new Headers(opts.headers);
  if (body !== undefined) headers.set('content-type', 'application/json');
  if (opts.auth !== false)
    headers.set('authorization', `Bearer ${typeof opts.auth === 'string' ? opts.auth : apiKey()}`);
  const req = new Request(`${opts.base ?? BASE}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const res = await app.fetch(req, { ...env, ...overrides }, createExecutionContext());
  return reply<T>(res);
}

/** Read rows of a user's vault directly (counters, failures), never to change them. */
export function vaultRows<R extends Record<string, SqlStorageValue>>(
  userId: string,
  query: string,
  ...bindings: unknown[]
): Promise<R[]> {
  const stub = env.VAULT.get(env.VAULT.idFromName(userId));
  return runInDurableObject(stub, (_instance, state) =>
    state.storage.sql.exec<R>(query, ...bindings).toArray(),
  );
}

/** A seeded PRNG (mulberry32), so fuzz runs are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The ticket's stored row (state, failures, expires_at), found by its hash. */
export async function ticketRow(
  userId: string,
  ticket: string,
): Promise<{ state: string; failures: number; expires_at: number }> {
  const [row] = await vaultRows<{ state: string; failures: number; expires_at: number }>(
    userId,
    'SELECT state, failures, expires_at FROM tickets WHERE hash = ?',
    await ticketHash(ticket),
  );
  if (!row) throw new Error('ticket row not found');
  return row;
}
