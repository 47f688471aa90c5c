/**
 * The client's retry rule: GET and DELETE are tried again on 503 and on no
 * answer, after the service's Retry-After (never sooner) or a bounded
 * backoff; so is a create, with one Idempotency-Key for all its tries; a
 * redeem never is, because a 503'd redeem may have committed.
 * Virtual time (vitest's fake timers) stands in for the waits, so "not
 * before 2 s" is checked exactly, with no real sleeping.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PseaClient, PseaError } from '../../packages/psea/src/client/index.ts';
import { retryAfterMs, retryDelayMs } from '../../packages/psea/src/client/retry-delay.ts';
import {
  fakeFetch,
  json,
  noAnswer,
  problem,
  unavailable,
  type Handler,
} from '../support/fake-fetch';

const client = (handler: Handler, retries?: number) => {
  const f = fakeFetch(handler);
  return {
    psea: new PseaClient({
      baseUrl: 'https://approve.example.com',
      apiKey: 'k'.repeat(40),
      fetch: f.fetch,
      retries,
    }),
    calls: f.calls,
  };
};
type Settled = { value?: unknown; error?: PseaError };
const settle = (p: Promise<unknown>): Promise<Settled> =>
  p.then(
    (value) => ({ value }),
    (e: unknown) => ({ error: e as PseaError }),
  );

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('psea/client retries', () => {
  it('a GET answered 503 is tried again after Retry-After, not one millisecond sooner', async () => {
    const { psea, calls } = client((_, n) =>
      n === 1 ? unavailable('2') : json({ credentials: [] }),
    );
    const done = settle(psea.credentials.list('u'));
    await vi.advanceTimersByTimeAsync(1999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(251); // Retry-After plus at most 250 ms of spread
    expect(calls).toHaveLength(2);
    expect(await done).toEqual({ value: { credentials: [] } });
  });

  it('an HTTP-date Retry-After is honoured too', () => {
    const now = Date.parse('2026-12-01T10:00:00Z');
    expect(retryAfterMs('Tue, 01 Dec 2026 10:00:03 GMT', now)).toBe(3000);
    expect(retryAfterMs('Tue, 01 Dec 2026 09:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });

  it('gives up after `retries` more tries, with the last 503', async () => {
    const { psea, calls } = client(() => unavailable('1'), 3);
    const done = settle(psea.status('t'));
    await vi.runAllTimersAsync();
    expect(calls).toHaveLength(4);
    expect((await done).error).toMatchObject({ code: 'unavailable', status: 503 });
  });

  it('a Retry-After longer than the client waits ends the retries at once, with the error', async () => {
    const { psea, calls } = client(() => unavailable('3600'));
    const done = settle(psea.status('t'));
    await vi.runAllTimersAsync();
    expect(calls).toHaveLength(1);
    expect((await done).error?.code).toBe('unavailable');
  });

  it('no answer at all: a GET and a DELETE are retried with a bounded backoff, then network_error', async () => {
    const { psea, calls } = client(noAnswer, 2);
    const list = settle(psea.credentials.list('u'));
    await vi.runAllTimersAsync();
    expect(calls).toHaveLength(3);
    const error = (await list).error!;
    expect(error).toMatchObject({ code: 'network_error', status: undefined });
    expect(error.cause).toBeInstanceOf(TypeError);

    const revoke = client((_, n) => (n < 3 ? noAnswer() : new Response(null, { status: 204 })));
    const done = settle(revoke.psea.credentials.revoke('u', 'c'));
    await vi.runAllTimersAsync();
    expect(revoke.calls.map((c) => c.method)).toEqual(['DELETE', 'DELETE', 'DELETE']);
    expect(await done).toEqual({ value: undefined });
  });

  it('the backoff without Retry-After doubles and stays bounded', () => {
    const top = () => 0.999999;
    expect(retryDelayMs(1, undefined, top)).toBeLessThan(500);
    expect(retryDelayMs(2, undefined, top)).toBeLessThan(1000);
    expect(retryDelayMs(10, undefined, top)).toBeLessThan(4000);
    expect(retryDelayMs(1, 2000, () => 0)).toBe(2000);
    expect(retryDelayMs(1, 60_000, top)).toBeUndefined();
  });

  it('a create answered 503 is retried with one Idempotency-Key, the same body; a redeem never is', async () => {
    const { psea, calls } = client(() => unavailable('1'), 2);
    const posts = [
      psea.requestApproval({ user: { id: 'u' }, action: { type: 'wire.transfer' } }),
      psea.createEnrollment({ user: { id: 'u', name: 'n' } }),
      psea.redeem('jwt', 'a'),
      psea.offlineGrants('u', { count: 1, ttl: 60, audience: 'a', types: ['t'] }),
    ].map(settle);
    await vi.runAllTimersAsync();
    for (const p of posts)
      expect((await p).error).toMatchObject({ code: 'unavailable', status: 503 });
    const byPath = new Map<string, typeof calls>();
    for (const c of calls) byPath.set(c.url.pathname, [...(byPath.get(c.url.pathname) ?? []), c]);
    expect([...byPath.values()].map((tries) => tries.length)).toEqual([3, 3, 1, 3]);
    for (const [path, tries] of byPath) {
      const keys = new Set(tries.map((c) => c.headers.get('idempotency-key')));
      expect(keys.size, path).toBe(1);
      if (path === '/v1/receipts/redeem') expect(keys.has(null)).toBe(true);
      else expect([...keys][0]).toMatch(/^[0-9a-f-]{36}$/);
      expect(new Set(tries.map((c) => c.body)).size).toBe(1);
    }
  });

  it('each create call has its own key; a caller may name it', async () => {
    const { psea, calls } = client(() => json({ ticket: 't' }, 201));
    const body = { user: { id: 'u' }, action: { type: 'wire.transfer' } };
    await psea.requestApproval(body);
    await psea.requestApproval(body);
    await psea.requestApproval(body, { idempotencyKey: 'order-42' });
    const keys = calls.map((c) => c.headers.get('idempotency-key'));
    expect(keys[0]).not.toBe(keys[1]);
    expect(keys[2]).toBe('order-42');
    await expect(psea.requestApproval(body, { idempotencyKey: 'a\nb' })).rejects.toMatchObject({
      code: 'invalid_options',
    });
    await expect(psea.requestApproval(body, { idempotencyKey: '' })).rejects.toMatchObject({
      code: 'invalid_options',
    });
  });

  it('a create whose connection was lost is retried with its key, and gets the first answer', async () => {
    const { psea, calls } = client(
      (_, n) =>
        n === 1 ? noAnswer() : json({ ticket: 'first' }, 201, { 'idempotent-replayed': 'true' }),
      5,
    );
    const done = settle(
      psea.requestApproval({ user: { id: 'u' }, action: { type: 'wire.transfer' } }),
    );
    await vi.runAllTimersAsync();
    expect(await done).toEqual({ value: { ticket: 'first' } });
    expect(calls).toHaveLength(2);
    expect(calls[1]!.headers.get('idempotency-key')).toBe(calls[0]!.headers.get('idempotency-key'));
  });

  it('409 idempotency_in_progress (its first try still running) is waited out; a mismatch is not', async () => {
    const busy = client(
      (_, n) => (n < 3 ? problem(409, 'idempotency_in_progress') : json({ ticket: 't' }, 201)),
      5,
    );
    const done = settle(busy.psea.createEnrollment({ user: { id: 'u', name: 'n' } }));
    await vi.runAllTimersAsync();
    expect(await done).toEqual({ value: { ticket: 't' } });
    expect(busy.calls).toHaveLength(3);
    const other = client(() => problem(422, 'idempotency_mismatch'), 5);
    const refused = settle(other.psea.createEnrollment({ user: { id: 'u', name: 'n' } }));
    await vi.runAllTimersAsync();
    expect((await refused).error?.code).toBe('idempotency_mismatch');
    expect(other.calls).toHaveLength(1);
  });

  it('a redeem with no answer is never retried: it may have reached the service', async () => {
    const { psea, calls } = client(noAnswer, 5);
    const done = settle(psea.redeem('jwt', 'a'));
    await vi.runAllTimersAsync();
    expect((await done).error?.code).toBe('network_error');
    expect(calls).toHaveLength(1);
  });

  it('only 503 is retried: a 4xx or another 5xx answers at once', async () => {
    for (const answer of [
      () => problem(404, 'ticket_not_found'),
      () => problem(500, 'misconfigured'),
      () => problem(429, 'rate_limited'),
    ]) {
      const { psea, calls } = client(answer);
      const done = settle(psea.status('t'));
      await vi.runAllTimersAsync();
      expect((await done).error).toBeInstanceOf(PseaError);
      expect(calls).toHaveLength(1);
    }
  });

  it('an abort during the wait between tries stops the retries: aborted', async () => {
    const { psea, calls } = client(() => unavailable('5'));
    const controller = new AbortController();
    const done = settle(psea.status('t', { signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(1000);
    controller.abort(new Error('the agent was cancelled'));
    const { error } = await done;
    expect(error).toMatchObject({ code: 'aborted' });
    expect((error!.cause as Error).message).toBe('the agent was cancelled');
    await vi.runAllTimersAsync();
    expect(calls).toHaveLength(1);
  });
});
