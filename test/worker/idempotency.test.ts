/**
 * Idempotency-Key on the create routes (docs/api.md, "Idempotent requests"):
 * concurrent repeats make one ticket; a replay is the first answer, marked,
 * and makes nothing; another body, another API key, a key in flight, a key
 * whose first try failed below the service or whose Worker died.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { env, runInDurableObject } from 'cloudflare:test';
import { idempotencyRecord } from '../../worker/http/idempotency';
import { LEASE_MS } from '../../worker/idempotency/idempotency-record';
import type { UserVault } from '../../worker/vault/user-vault';
import {
  WIRE,
  apiKey,
  call,
  callApp,
  enroll,
  expectProblem,
  newUserId,
  vaultRows,
} from './harness';

beforeEach(() => void vi.spyOn(console, 'error').mockImplementation(() => undefined));
afterEach(() => vi.restoreAllMocks());

const otherApiKey = (): string => env.API_KEYS!.split(',')[1]!;
let keys = 0;
const freshKey = (): string => `idem-${Date.now().toString(36)}-${++keys}`;
const ticketCount = async (userId: string): Promise<number> =>
  (await vaultRows<{ n: number }>(userId, 'SELECT COUNT(*) AS n FROM tickets'))[0]!.n;

async function enrolledUser(): Promise<string> {
  const userId = newUserId('idem');
  const { reply } = await enroll(userId);
  expect(reply.status).toBe(201);
  return userId;
}

const actionBody = (userId: string, amount = '1250.00') => ({
  user: { id: userId },
  action: { ...WIRE, amount },
  audience: 'payments-api',
});
const post = (path: string, body: unknown, key: string, auth?: string) =>
  call('POST', path, body, { headers: { 'idempotency-key': key }, auth });

describe('Idempotency-Key on POST /v1/actions', () => {
  it('twelve concurrent repeats make one ticket; every 201 is that ticket, the rest 409 idempotency_in_progress', async () => {
    const userId = await enrolledUser();
    const before = await ticketCount(userId);
    const key = freshKey();
    const replies = await Promise.all(
      Array.from({ length: 12 }, () => post('/v1/actions', actionBody(userId), key)),
    );
    const made = replies.filter((r) => r.status === 201);
    const busy = replies.filter((r) => r.status !== 201);
    for (const r of busy) expectProblem(r, 409, 'idempotency_in_progress');
    // They did overlap: some were refused while the first ran (the rest came after, and were replays).
    expect(busy.length).toBeGreaterThan(0);
    expect(made.filter((r) => r.headers.get('idempotent-replayed') === null)).toHaveLength(1);
    expect(new Set(made.map((r) => r.body.ticket)).size).toBe(1);
    // Once answered, every repeat is the replay.
    const again = await post('/v1/actions', actionBody(userId), key);
    expect(again.body.ticket).toBe(made[0]!.body.ticket);
    expect(await ticketCount(userId)).toBe(before + 1);
  });

  it('a repeat with the same body gets the same status and body, Idempotent-Replayed: true, and makes nothing', async () => {
    const userId = await enrolledUser();
    const key = freshKey();
    const first = await post('/v1/actions', actionBody(userId), key);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const count = await ticketCount(userId);
    const replay = await post('/v1/actions', actionBody(userId), key);
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.headers.get('content-type')).toBe(first.headers.get('content-type'));
    expect(replay.headers.get('cache-control')).toBe('no-store');
    expect(await ticketCount(userId)).toBe(count);
    // Without the header, the same body is a new action, as ever.
    const plain = await call('POST', '/v1/actions', actionBody(userId));
    expect(plain.body.ticket).not.toBe(first.body.ticket);
  });

  it('the same key with another body (or on another route) is 422 idempotency_mismatch, and makes nothing', async () => {
    const userId = await enrolledUser();
    const key = freshKey();
    expect((await post('/v1/actions', actionBody(userId), key)).status).toBe(201);
    const count = await ticketCount(userId);
    expectProblem(
      await post('/v1/actions', actionBody(userId, '9999.00'), key),
      422,
      'idempotency_mismatch',
    );
    // Byte-identical means bytes: the same JSON with other spacing is another body.
    const spaced = await call('POST', '/v1/actions', undefined, {
      raw: JSON.stringify(actionBody(userId), null, 1),
      headers: { 'idempotency-key': key },
    });
    expectProblem(spaced, 422, 'idempotency_mismatch');
    expectProblem(
      await post('/v1/enrollments', { user: { id: userId, name: 'n' } }, key),
      422,
      'idempotency_mismatch',
    );
    expect(await ticketCount(userId)).toBe(count);
  });

  it('a key never crosses API keys: the same key under another API key is a request of its own', async () => {
    const userId = await enrolledUser();
    const key = freshKey();
    const mine = await post('/v1/actions', actionBody(userId), key);
    const theirs = await post('/v1/actions', actionBody(userId), key, otherApiKey());
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect(theirs.body.ticket).not.toBe(mine.body.ticket);
    // And another body under the other API key is no mismatch of mine.
    expect(
      (await post('/v1/actions', actionBody(userId, '1.00'), freshKey(), otherApiKey())).status,
    ).toBe(201);
    expect((await post('/v1/actions', actionBody(userId), key)).body.ticket).toBe(mine.body.ticket);
  });

  it('a repeat while the first is still being answered is 409 idempotency_in_progress', async () => {
    const userId = await enrolledUser();
    const other = freshKey();
    // The first request, stopped between its reservation and its answer.
    const stub = await idempotencyRecord(env, apiKey(), other);
    const print = await fingerprintOf('POST', '/v1/actions', JSON.stringify(actionBody(userId)));
    expect((await stub.reserve(print, Date.now(), 'held')).kind).toBe('reserved');
    const count = await ticketCount(userId);
    const busy = await post('/v1/actions', actionBody(userId), other);
    expectProblem(busy, 409, 'idempotency_in_progress');
    expectProblem(
      await post('/v1/actions', actionBody(userId, '2.00'), other),
      422,
      'idempotency_mismatch',
    );
    expect(await ticketCount(userId)).toBe(count);
  });

  it('a first try whose Worker died mid-create does not wedge the key: its lease lapses after LEASE_MS', async () => {
    const userId = await enrolledUser();
    const key = freshKey();
    const stub = await idempotencyRecord(env, apiKey(), key);
    const print = await fingerprintOf('POST', '/v1/actions', JSON.stringify(actionBody(userId)));
    expect((await stub.reserve(print, Date.now() - LEASE_MS - 1, 'dead')).kind).toBe('reserved');
    const taken = await post('/v1/actions', actionBody(userId), key);
    expect(taken.status).toBe(201);
    expect((await post('/v1/actions', actionBody(userId), key)).body.ticket).toBe(
      taken.body.ticket,
    );
  });

  it('a 503 between reservation and answer gives the key back: the retry runs afresh, is kept, and replays', async () => {
    const userId = await enrolledUser();
    const key = freshKey();
    const headers = { 'idempotency-key': key };
    const failed = await callApp(
      { VAULT: failingCreate() },
      'POST',
      '/v1/actions',
      actionBody(userId),
      { headers },
    );
    expectProblem(failed, 503, 'unavailable');
    const retry = await callApp({}, 'POST', '/v1/actions', actionBody(userId), { headers });
    expect(retry.status).toBe(201);
    const replay = await callApp({}, 'POST', '/v1/actions', actionBody(userId), { headers });
    expect(replay.body.ticket).toBe(retry.body.ticket);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  });

  it('the record keeps the answer sealed: no ticket or statusToken in storage, nor the API key or the key', async () => {
    const userId = await enrolledUser();
    const key = freshKey();
    const first = await post('/v1/actions', actionBody(userId), key);
    const stub = await idempotencyRecord(env, apiKey(), key);
    const rows = await runInDurableObject(stub, (_o, state) =>
      state.storage.sql.exec('SELECT * FROM record').toArray(),
    );
    const stored = JSON.stringify(rows);
    expect(rows).toHaveLength(1);
    for (const secret of [
      first.body.ticket,
      first.body.statusToken,
      first.body.ticket.split('.')[1],
      apiKey(),
      key,
    ]) {
      expect(stored).not.toContain(secret);
    }
    // Opened only by the repeat that presents both keys.
    expect((await post('/v1/actions', actionBody(userId), key)).body).toEqual(first.body);
  });

  it('a reservation whose answer was lost is given back: 503, and the retry runs (not 409 for 60 s)', async () => {
    const userId = await enrolledUser();
    const headers = { 'idempotency-key': freshKey() };
    const lost = await callApp(
      { IDEMPOTENCY: lossyReserve() },
      'POST',
      '/v1/actions',
      actionBody(userId),
      { headers },
    );
    expectProblem(lost, 503, 'unavailable');
    const retry = await callApp({}, 'POST', '/v1/actions', actionBody(userId), { headers });
    expect(retry.status).toBe(201);
  });

  it('a 4xx answer is kept too: 409 not_enrolled is replayed, marked', async () => {
    const key = freshKey();
    const body = actionBody(newUserId('nobody'));
    expectProblem(await post('/v1/actions', body, key), 409, 'not_enrolled');
    const replay = await post('/v1/actions', body, key);
    expectProblem(replay, 409, 'not_enrolled');
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  });

  it('a key that is empty, over 255 characters or not printable ASCII is 400 invalid_request', async () => {
    const userId = await enrolledUser();
    const count = await ticketCount(userId);
    for (const bad of ['', 'k'.repeat(256), 'caf\u00e9', 'tab\there']) {
      const r = await post('/v1/actions', actionBody(userId), bad);
      expectProblem(r, 400, 'invalid_request');
      expect(r.body.detail).toMatch(/Idempotency-Key/);
    }
    expect((await post('/v1/actions', actionBody(userId), 'k'.repeat(255))).status).toBe(201);
    expect((await post('/v1/actions', actionBody(userId), ' ~!"#')).status).toBe(201);
    expect(await ticketCount(userId)).toBe(count + 2);
  });

  it('an unauthenticated request is 401 before the key is looked at', async () => {
    const r = await call('POST', '/v1/actions', actionBody('u'), {
      auth: false,
      headers: { 'idempotency-key': 'x' },
    });
    expectProblem(r, 401, 'unauthorized');
  });
});

describe('Idempotency-Key on the other creates', () => {
  it('POST /v1/enrollments: concurrent repeats, one ticket; replayed', async () => {
    const userId = newUserId('idem-enroll');
    const key = freshKey();
    const body = { user: { id: userId, name: 'ada@example.com' } };
    const replies = await Promise.all(
      Array.from({ length: 6 }, () => post('/v1/enrollments', body, key)),
    );
    const made = replies.filter((r) => r.status === 201);
    expect(new Set(made.map((r) => r.body.ticket)).size).toBe(1);
    expect(await ticketCount(userId)).toBe(1);
    const replay = await post('/v1/enrollments', body, key);
    expect(replay.body.ticket).toBe(made[0]!.body.ticket);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  });

  it('POST /v1/users/:id/offline-grants: the same grants on a replay; another user id is another request', async () => {
    const userId = await enrolledUser();
    const key = freshKey();
    const body = { count: 2, ttl: 600, audience: 'door-7', types: ['door.open'] };
    const first = await post(`/v1/users/${userId}/offline-grants`, body, key);
    expect(first.status).toBe(201);
    const grants = await vaultRows<{ n: number }>(
      userId,
      'SELECT COUNT(*) AS n FROM offline_grants',
    );
    const replay = await post(`/v1/users/${userId}/offline-grants`, body, key);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await vaultRows(userId, 'SELECT COUNT(*) AS n FROM offline_grants')).toEqual(grants);
    expectProblem(
      await post(`/v1/users/${userId}x/offline-grants`, body, key),
      422,
      'idempotency_mismatch',
    );
  });
});

/** The fingerprint the middleware computes (method, path, body bytes). */
async function fingerprintOf(method: string, path: string, body: string): Promise<string> {
  const { sha256B64url } = await import('../../packages/psea/src/internal/sha256-b64url');
  return sha256B64url(`${method} ${path}\n${await sha256B64url(body)}`);
}

/** Idempotency records whose reserve takes the key, then loses its answer on the way back. */
function lossyReserve() {
  return {
    idFromName: (n: string) => env.IDEMPOTENCY.idFromName(n),
    get: (id: DurableObjectId) =>
      new Proxy(env.IDEMPOTENCY.get(id), {
        get: (t, p) =>
          p === 'reserve'
            ? async (...a: [string, number, string]) => {
                await (t as unknown as { reserve: (...x: typeof a) => Promise<unknown> }).reserve(
                  ...a,
                );
                throw Object.assign(new Error('Network connection lost.'), { retryable: true });
              }
            : (Reflect.get(t, p) as unknown),
      }),
  } as unknown as typeof env.IDEMPOTENCY;
}

/** A vault whose createAction fails below the service before it commits. */
function failingCreate() {
  return {
    idFromName: (n: string) => env.VAULT.idFromName(n),
    idFromString: (s: string) => env.VAULT.idFromString(s),
    get: (id: DurableObjectId) => {
      const real = env.VAULT.get(id);
      return new Proxy(real, {
        get: (t, p) =>
          p === 'createAction'
            ? async (..._a: Parameters<UserVault['createAction']>) => {
                throw Object.assign(new Error('Network connection lost.'), { retryable: true });
              }
            : (Reflect.get(t, p) as unknown),
      });
    },
  } as unknown as typeof env.VAULT;
}
