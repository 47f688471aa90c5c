/** Shared steps for worker tests: real routes through SELF, a soft authenticator as the person's device. */
import { env, SELF } from 'cloudflare:test';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { SoftAuthenticator } from '../support/soft-authenticator';
import type { AssertionBend, RegistrationBend, SoftAuthenticatorOptions } from '../support/soft-authenticator/types';

/** The service's own origin in tests; also an allowed origin, as with `wrangler dev`. */
export const BASE = 'http://localhost:8787';
export const ORIGIN = BASE;
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
  opts: { auth?: boolean | string; headers?: Record<string, string>; raw?: BodyInit } = {},
): Promise<Reply<T>> {
  const headers = new Headers(opts.headers);
  if (body !== undefined || opts.raw !== undefined) headers.set('content-type', headers.get('content-type') ?? 'application/json');
  if (opts.auth !== false) headers.set('authorization', `Bearer ${typeof opts.auth === 'string' ? opts.auth : apiKey()}`);
  const res = await SELF.fetch(`${BASE}${path}`, {
    method,
    headers,
    body: opts.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
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
  const r = await call('POST', '/v1/enrollments', { user: { id: userId, name: `${userId}@example.com`, displayName: 'Test' } });
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

export const WIRE = { type: 'wire.transfer', amount: '1250.00', currency: 'EUR', to: 'DE89370400440532013000' };

export async function requestAction(
  userId: string,
  extra: Record<string, unknown> = {},
): Promise<{ ticket: string; actionHash: string; expiresAt: string; approveUrl: string }> {
  const r = await call('POST', '/v1/actions', { user: { id: userId }, action: WIRE, audience: 'payments-api', ...extra });
  if (r.status !== 201) throw new Error(`action ticket: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Fetch the ticket's options and answer them with the authenticator (optionally bent). */
export async function assertion(ticket: string, auth: SoftAuthenticator, bend?: AssertionBend): Promise<AuthenticationResponseJSON> {
  const details = await call('GET', `/v1/actions/${ticket}`, undefined, { auth: false });
  if (details.status !== 200) throw new Error(`action details: ${details.status} ${JSON.stringify(details.body)}`);
  return auth.assert(details.body.options, { origin: ORIGIN, bend });
}

export function verify(ticket: string, response: unknown): Promise<Reply> {
  return call('POST', `/v1/actions/${ticket}/verify`, response, { auth: false });
}

/** An enrolled user with one pending action ticket. */
export async function pendingApproval(options: SoftAuthenticatorOptions = {}, extra: Record<string, unknown> = {}) {
  const userId = newUserId();
  const { auth } = await enroll(userId, options);
  const action = await requestAction(userId, extra);
  return { userId, auth, ...action };
}

export function expectProblem(reply: Reply, status: number, code: string): void {
  if (reply.status !== status || reply.body?.code !== code) {
    throw new Error(`expected ${status} ${code}, got ${reply.status} ${JSON.stringify(reply.body)}`);
  }
  if (!reply.headers.get('content-type')?.startsWith('application/problem+json')) {
    throw new Error(`expected problem+json, got ${reply.headers.get('content-type')}`);
  }
}
