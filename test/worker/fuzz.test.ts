/**
 * No 5xx, ever: a small, seeded, bounded fuzz over every route, then byte-level
 * mutations of valid WebAuthn responses. Seeds are fixed, so a failure reproduces.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { SoftAuthenticator, b64url, fromB64url } from '../support/soft-authenticator';
import {
  BASE,
  ORIGIN,
  apiKey,
  assertion,
  enroll,
  enrollmentOptions,
  enrollmentTicket,
  newUserId,
  prng,
  requestAction,
  verify,
  postEnrollment,
} from './harness';
import { SELF, createExecutionContext, env } from 'cloudflare:test';
import app from '../../worker/index';

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
/** encodeURIComponent refuses lone surrogates; replace them, the rest goes through. */
const enc = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '\ufffd'));
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

function randomString(r: Rand): string {
  const kinds = [
    () => '',
    () => 'x'.repeat(int(r, 1, 40)),
    () => 'y'.repeat(int(r, 500, 20_000)),
    () => String.fromCharCode(...Array.from({ length: int(r, 1, 30) }, () => int(r, 0, 0xffff))),
    () => '\u0000\ud800\udfff<script>',
    () => '../../etc/passwd',
    () => '%00%2e%2e',
    () => b64url(crypto.getRandomValues(new Uint8Array(int(r, 1, 64)))),
    () => 'wire.transfer',
    () => '__proto__',
  ];
  return pick(r, kinds)();
}

function randomJson(r: Rand, depth = 0): unknown {
  const leaf = [
    () => null,
    () => r() < 0.5,
    () => int(r, -1e9, 1e9),
    () => pick(r, [0, -0, 1e308, -1e308, 1.5, Number.MAX_SAFE_INTEGER + 2]),
    () => randomString(r),
  ];
  if (depth > 3 || r() < 0.35) return pick(r, leaf)();
  if (r() < 0.4) return Array.from({ length: int(r, 0, 4) }, () => randomJson(r, depth + 1));
  const keys = [
    'user',
    'id',
    'name',
    'displayName',
    'action',
    'type',
    'display',
    'title',
    'fields',
    'label',
    'value',
    'audience',
    'ttl',
    'receipt',
    'response',
    'rawId',
    'clientDataJSON',
    'authenticatorData',
    'signature',
    'userHandle',
    'attestationObject',
    '__proto__',
    'constructor',
  ];
  const o: Record<string, unknown> = {};
  for (let i = int(r, 0, 5); i > 0; i--) o[pick(r, keys)] = randomJson(r, depth + 1);
  return o;
}

/** Bodies that look almost right: the real shapes with one field swapped for junk. */
function nearlyValid(r: Rand, userId: string): unknown {
  const shapes: Record<string, unknown>[] = [
    { user: { id: userId, name: 'ada' } },
    {
      user: { id: userId },
      action: { type: 'wire.transfer', amount: '1' },
      audience: 'a',
      ttl: 60,
    },
    {
      user: { id: userId },
      action: { type: 'x' },
      display: { title: 't', fields: [{ label: 'l', value: 'v' }] },
    },
    { receipt: 'a.b.c', audience: 'x' },
  ];
  const shape = structuredClone(pick(r, shapes));
  const path = pick(r, [
    'user',
    'action',
    'display',
    'audience',
    'ttl',
    'receipt',
    'user.id',
    'action.type',
    'display.fields',
  ]);
  const [head, tail] = path.split('.') as [string, string | undefined];
  const junk = randomJson(r, 2);
  if (tail && typeof shape[head] === 'object' && shape[head] !== null)
    (shape[head] as Record<string, unknown>)[tail] = junk;
  else shape[head] = junk;
  return shape;
}

function deep(kind: 'array' | 'object', depth: number): string {
  return kind === 'array'
    ? '['.repeat(depth) + ']'.repeat(depth)
    : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

describe('route fuzz', () => {
  let userId: string;
  let actionTicket: string;
  let enrollTicket: string;
  beforeAll(async () => {
    userId = newUserId('fuzz');
    await enroll(userId);
    actionTicket = (await requestAction(userId)).ticket;
    enrollTicket = await enrollmentTicket(userId);
  });

  it('random methods, paths, headers and bodies never get a 5xx', async () => {
    const r = prng(0x5eed);
    const tickets = () =>
      pick(r, [
        actionTicket,
        actionTicket,
        enrollTicket,
        enrollTicket,
        randomString(r).slice(0, 600),
        `${'0'.repeat(64)}.${'A'.repeat(43)}`,
      ]);
    /** Each route with the method it answers; most requests use it, the rest an odd one. */
    const routes: [string, () => string][] = [
      ['POST', () => '/v1/enrollments'],
      ['GET', () => `/v1/enrollments/${enc(tickets())}`],
      ['POST', () => `/v1/enrollments/${enc(tickets())}`],
      ['POST', () => '/v1/actions'],
      ['GET', () => `/v1/actions/${enc(tickets())}`],
      ['POST', () => `/v1/actions/${enc(tickets())}/verify`],
      ['GET', () => `/v1/actions/${enc(tickets())}/status`],
      ['POST', () => '/v1/receipts/redeem'],
      [
        'GET',
        () => `/v1/users/${enc(pick(r, [userId, randomString(r).slice(0, 200)]))}/credentials`,
      ],
      [
        'DELETE',
        () => `/v1/users/${enc(userId)}/credentials/${enc(randomString(r).slice(0, 200))}`,
      ],
      ['GET', () => '/.well-known/jwks.json'],
      ['GET', () => '/healthz'],
      ['GET', () => '/widget.js'],
      ['GET', () => `/approve/${enc(tickets())}`],
      ['GET', () => `/enroll/${enc(tickets())}`],
      ['GET', () => `/${enc(randomString(r).slice(0, 100))}`],
    ];
    const contentTypes = [
      undefined,
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=zz',
      'application/merge-patch+json',
      'application/octet-stream',
      'application/json; charset=utf-16',
      'garbage',
    ];
    const bodies = [
      () => JSON.stringify(randomJson(r)),
      () => JSON.stringify(nearlyValid(r, userId)),
      () => crypto.getRandomValues(new Uint8Array(int(r, 0, 2048))),
      () => deep(pick(r, ['array', 'object'] as const), pick(r, [100, 1000, 6000])),
      () => `{"user":{"id":"${userId}"},"action":${deep('object', pick(r, [200, 2000, 6000]))}}`,
      () =>
        `{"user":{"id":"${userId}"},"action":{"type":"t","x":${deep('array', pick(r, [500, 5000, 20000]))}}}`,
      () => '{"a":1,"a":2}',
      () => '\ufeff{"user":{"id":"u","name":"n"}}',
      () => 'a=1&b=2',
      () => '--zz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--zz--',
    ];
    const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'];
    const seen = new Map<number, number>();
    for (let i = 0; i < 400; i++) {
      const [natural, pathFn] = pick(r, routes);
      const method = r() < 0.75 ? natural : pick(r, methods);
      const path = pathFn();
      const headers = new Headers();
      const ct = pick(r, contentTypes);
      if (r() < 0.5) headers.set('content-type', 'application/json');
      else if (ct) headers.set('content-type', ct);
      if (r() < 0.6) headers.set('authorization', `Bearer ${apiKey()}`);
      else if (r() < 0.3)
        headers.set(
          'authorization',
          randomString(r)
            .replace(/[^\x20-\x7e]/g, '')
            .slice(0, 200),
        );
      if (r() < 0.3) headers.set('origin', pick(r, [ORIGIN, 'https://evil.example', 'null']));
      const hasBody = method !== 'GET' && method !== 'HEAD' && r() < 0.9;
      // The handler itself, not SELF: SELF.fetch slows with every request a file makes (workers-sdk#15446).
      const res = await app.fetch(
        new Request(`${BASE}${path}`, {
          method,
          headers,
          body: hasBody ? pick(r, bodies)() : undefined,
        }),
        env,
        createExecutionContext(),
      );
      const text = await res.text();
      seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
      if (res.status >= 500)
        throw new Error(
          `#${i} ${method} ${path.slice(0, 80)} → ${res.status} ${text.slice(0, 300)}`,
        );
      if (res.status >= 400 && path.startsWith('/v1/') && method !== 'HEAD') {
        expect(res.headers.get('content-type'), `#${i} ${method} ${path.slice(0, 80)}`).toMatch(
          /^application\/problem\+json/,
        );
        const body = JSON.parse(text);
        expect(body.status).toBe(res.status);
        expect(typeof body.code).toBe('string');
      }
    }
    // The fuzz reached the real handlers, not just the 404 and 401 doors. (The browser POST
    // routes answer for an unknown ticket before a bad body, so most 400s come from server routes.)
    expect(seen.get(400) ?? 0).toBeGreaterThan(30);
    expect([...seen.keys()].some((s) => s < 300)).toBe(true);
  }, 60_000);

  it('deeply nested actions are refused as 400, not a crash', async () => {
    for (const depth of [100, 1000, 3000, 10_000]) {
      for (const kind of ['array', 'object'] as const) {
        const raw = `{"user":{"id":"${userId}"},"action":{"type":"t","x":${deep(kind, depth)}}}`;
        if (raw.length > 64 * 1024) continue;
        const res = await SELF.fetch(`${BASE}/v1/actions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey()}` },
          body: raw,
        });
        const text = await res.text();
        expect(res.status, `${kind} ${depth}: ${text.slice(0, 200)}`).toBeLessThan(500);
      }
    }
  });
});

// ---- mutations of valid WebAuthn responses ----

function flipByte(r: Rand, field: string): string {
  const bytes = fromB64url(field);
  if (bytes.length === 0) return 'AA';
  const i = int(r, 0, bytes.length - 1);
  bytes[i] = bytes[i]! ^ (1 << int(r, 0, 7));
  return b64url(bytes);
}

/** One mutation of a base64url field, with its name for the failure message. */
function mutateField(r: Rand, value: string): [string, unknown] {
  const bytes = fromB64url(value);
  const ops: [string, () => unknown][] = [
    ['flip', () => flipByte(r, value)],
    ['truncate', () => b64url(bytes.slice(0, int(r, 0, Math.max(0, bytes.length - 1))))],
    [
      'extend',
      () =>
        b64url(
          new Uint8Array([...bytes, ...crypto.getRandomValues(new Uint8Array(int(r, 1, 40)))]),
        ),
    ],
    ['random', () => b64url(crypto.getRandomValues(new Uint8Array(int(r, 1, 300))))],
    ['padded', () => `${value}=`],
    ['not base64url', () => value.replace(/[A-Za-z]/, '+')],
    ['wrong type', () => pick(r, [null, 0, true, [], {}, ''])],
    ['zeros', () => b64url(new Uint8Array(bytes.length))],
  ];
  const [name, op] = pick(r, ops);
  return [name, op()];
}

const ALLOWED = [400, 404, 409, 410, 422, 429];

describe('mutated WebAuthn responses', () => {
  it('verify: every mutation of a valid assertion gets 400/404/409/410/422/429', async () => {
    const r = prng(0xa55e);
    const userId = newUserId('mut');
    const { auth } = await enroll(userId);
    const fields = [
      'id',
      'rawId',
      'clientDataJSON',
      'authenticatorData',
      'signature',
      'userHandle',
    ] as const;
    let ticket = '';
    let valid: AuthenticationResponseJSON | undefined;
    const counts = new Map<number, number>();
    for (let i = 0; i < 160; i++) {
      if (i % 4 === 0) {
        ticket = (await requestAction(userId)).ticket;
        valid = await assertion(ticket, auth);
      }
      const m = structuredClone(valid!) as unknown as {
        id: unknown;
        rawId: unknown;
        response: Record<string, unknown>;
      };
      const n = int(r, 1, 3);
      const applied: string[] = [];
      for (let k = 0; k < n; k++) {
        const f = pick(r, fields);
        if (r() < 0.15) {
          // Swap two fields' values.
          const g = pick(
            r,
            fields.filter((x) => x !== f && x !== 'id' && x !== 'rawId'),
          );
          const target = f === 'id' || f === 'rawId' ? (m as Record<string, unknown>) : m.response;
          const tmp = target[f];
          target[f] = m.response[g];
          m.response[g] = tmp;
          applied.push(`swap ${f}<->${g}`);
        } else {
          const target = f === 'id' || f === 'rawId' ? (m as Record<string, unknown>) : m.response;
          const [op, value] = mutateField(
            r,
            typeof target[f] === 'string' ? (target[f] as string) : 'AAAA',
          );
          target[f] = value;
          applied.push(`${op} ${f}`);
        }
      }
      if (JSON.stringify(m) === JSON.stringify(valid)) continue;
      const reply = await verify(ticket, m);
      counts.set(reply.status, (counts.get(reply.status) ?? 0) + 1);
      if (!ALLOWED.includes(reply.status))
        throw new Error(
          `#${i} [${applied.join(', ')}] → ${reply.status} ${JSON.stringify(reply.body)}`,
        );
      expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    expect(counts.get(422) ?? 0).toBeGreaterThan(10);
  }, 60_000);

  it('enroll: every mutation of a valid registration gets 400/404/409/410/422/429', async () => {
    const r = prng(0xe2011);
    const userId = newUserId('mut');
    const fields = ['id', 'rawId', 'clientDataJSON', 'attestationObject'] as const;
    let ticket = '';
    let valid: RegistrationResponseJSON | undefined;
    const counts = new Map<number, number>();
    for (let i = 0; i < 80; i++) {
      if (i % 4 === 0) {
        ticket = await enrollmentTicket(userId);
        // Packed: everything in it is signed, so no mutation may enroll (with "none", authData is unsigned).
        valid = await (
          await SoftAuthenticator.create({ alg: pick(r, [-7, -8] as const) })
        ).register(await enrollmentOptions(ticket), { origin: ORIGIN, bend: { fmt: 'packed' } });
      }
      const m = structuredClone(valid!) as unknown as Record<string, unknown> & {
        response: Record<string, unknown>;
      };
      const applied: string[] = [];
      for (let k = int(r, 1, 2); k > 0; k--) {
        const f = pick(r, fields);
        const target = f === 'id' || f === 'rawId' ? m : m.response;
        const [op, value] = mutateField(
          r,
          typeof target[f] === 'string' ? (target[f] as string) : 'AAAA',
        );
        target[f] = value;
        applied.push(`${op} ${f}`);
      }
      if (JSON.stringify(m) === JSON.stringify(valid)) continue;
      const reply = await postEnrollment(ticket, m);
      counts.set(reply.status, (counts.get(reply.status) ?? 0) + 1);
      if (!ALLOWED.includes(reply.status))
        throw new Error(
          `#${i} [${applied.join(', ')}] → ${reply.status} ${JSON.stringify(reply.body)}`,
        );
    }
    expect(counts.get(422) ?? 0).toBeGreaterThan(10);
  }, 60_000);
});
