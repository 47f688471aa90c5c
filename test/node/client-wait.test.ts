/**
 * waitForApproval against a fake long-poll service in virtual time: it asks
 * for `?wait=` and never past its deadline, resolves the final state, keeps
 * `timeoutMs` even when the service hangs, paces a service that does not hold
 * requests, waits through 503s, and ends at once on abort, leaving no
 * listener behind on the caller's signal.
 */
import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  PseaClient,
  PseaError,
  type ApprovalStatus,
} from '../../packages/psea/src/client/index.ts';
import { fakeFetch, json, problem, unavailable, type Handler } from '../support/fake-fetch';

/** A status route that holds `?wait=S` until the state changes or S seconds pass, as SPEC.md says. */
function longPollService() {
  let current: ApprovalStatus = { state: 'pending', reference: 'r-1' };
  const wake = new Set<() => void>();
  const handler: Handler = (req) => {
    const wait = Number(req.url.searchParams.get('wait') ?? 0);
    if (current.state !== 'pending' || wait === 0) return json(current);
    return new Promise((resolve) => {
      const answer = () => {
        clearTimeout(timer);
        wake.delete(answer);
        resolve(json(current));
      };
      const timer = setTimeout(answer, wait * 1000);
      wake.add(answer);
    });
  };
  const settle = (next: ApprovalStatus) => {
    current = next;
    for (const w of [...wake]) w();
  };
  return { handler, settle };
}

const clientOf = (handler: Handler) => {
  const f = fakeFetch(handler);
  return {
    psea: new PseaClient({
      baseUrl: 'https://approve.example.com',
      apiKey: 'k'.repeat(40),
      fetch: f.fetch,
    }),
    calls: f.calls,
  };
};
const waits = (calls: { url: URL }[]) => calls.map((c) => c.url.searchParams.get('wait'));
type Settled = { value?: ApprovalStatus; error?: PseaError };
const settle = (p: Promise<unknown>): Promise<Settled> =>
  p.then(
    (v) => ({ value: v as ApprovalStatus }),
    (e: unknown) => ({ error: e as PseaError }),
  );

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('waitForApproval', () => {
  it('long-polls with ?wait=60 and resolves the approval as soon as it commits', async () => {
    const service = longPollService();
    const { psea, calls } = clientOf(service.handler);
    const done = settle(psea.waitForApproval('t1', { timeoutMs: 600_000, statusToken: 'st' }));
    await vi.advanceTimersByTimeAsync(150_000);
    expect(waits(calls)).toEqual(['60', '60', '60']);
    service.settle({ state: 'approved', receipt: 'jwt', reference: 'r-1' });
    expect(await done).toEqual({ value: { state: 'approved', receipt: 'jwt', reference: 'r-1' } });
    expect(calls).toHaveLength(3);
    expect(calls.every((c) => c.headers.get('authorization') === 'Bearer st')).toBe(true);
  });

  it('resolves expired and burned too: the caller reads `state`', async () => {
    for (const state of ['expired', 'burned'] as const) {
      const service = longPollService();
      const { psea } = clientOf(service.handler);
      const done = settle(psea.waitForApproval('t1', { timeoutMs: 60_000 }));
      await vi.advanceTimersByTimeAsync(5_000);
      service.settle({ state });
      expect((await done).value).toEqual({ state });
    }
  });

  it('never asks the service to hold past the deadline, and rejects timeout when it passes', async () => {
    const { psea, calls } = clientOf(longPollService().handler);
    const done = settle(psea.waitForApproval('t1', { timeoutMs: 90_500 }));
    await vi.advanceTimersByTimeAsync(90_499);
    expect(await Promise.race([done, Promise.resolve('still waiting')])).toBe('still waiting');
    await vi.advanceTimersByTimeAsync(1);
    expect(waits(calls)).toEqual(['60', '30', '0']);
    expect((await done).error).toMatchObject({ code: 'timeout', status: undefined });
  });

  it('keeps timeoutMs when the service never answers: the request in flight is aborted', async () => {
    const { psea, calls } = clientOf(() => new Promise<Response>(() => {}));
    const done = settle(psea.waitForApproval('t1', { timeoutMs: 5_000 }));
    await vi.advanceTimersByTimeAsync(5_000);
    expect((await done).error?.code).toBe('timeout');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.signal?.aborted).toBe(true);
  });

  it('a service that answers pending at once (no long-poll) is paced, not hammered', async () => {
    const { psea, calls } = clientOf(() => json({ state: 'pending' }));
    const done = settle(psea.waitForApproval('t1', { timeoutMs: 20_000 }));
    await vi.advanceTimersByTimeAsync(20_000);
    expect((await done).error?.code).toBe('timeout');
    expect(calls.length).toBeLessThanOrEqual(10);
    expect(calls.length).toBeGreaterThan(1);
  });

  it('waits through 503s and lost connections, and the timeout says what it last saw', async () => {
    const { psea, calls } = clientOf((_, n) =>
      n < 6 ? unavailable('1') : json({ state: 'approved', receipt: 'jwt' }),
    );
    const done = settle(psea.waitForApproval('t1', { timeoutMs: 60_000 }));
    await vi.advanceTimersByTimeAsync(60_000);
    expect((await done).value).toEqual({ state: 'approved', receipt: 'jwt' });
    expect(calls).toHaveLength(6);

    const down = clientOf(() => unavailable('1'));
    const timedOut = settle(down.psea.waitForApproval('t1', { timeoutMs: 10_000 }));
    await vi.advanceTimersByTimeAsync(10_000);
    const { error } = await timedOut;
    expect(error?.code).toBe('timeout');
    expect((error?.cause as PseaError).code).toBe('unavailable');
  });

  it('any other error ends the wait with that error', async () => {
    const { psea } = clientOf(() => problem(404, 'ticket_not_found'));
    const done = settle(psea.waitForApproval('t1', { timeoutMs: 60_000 }));
    await vi.advanceTimersByTimeAsync(0);
    expect((await done).error).toMatchObject({ code: 'ticket_not_found', status: 404 });
  });

  it('abort ends a held long-poll at once with aborted, and no listener stays on the signal', async () => {
    const service = longPollService();
    const { psea, calls } = clientOf(service.handler);
    const controller = new AbortController();
    const done = settle(
      psea.waitForApproval('t1', { timeoutMs: 600_000, signal: controller.signal }),
    );
    await vi.advanceTimersByTimeAsync(70_000);
    controller.abort('user cancelled');
    const { error } = await done;
    expect(error).toMatchObject({ code: 'aborted', cause: 'user cancelled' });
    expect(calls.at(-1)!.signal?.aborted).toBe(true);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);

    const kept = new AbortController();
    const ok = clientOf(() => json({ state: 'approved', receipt: 'jwt' }));
    await ok.psea.waitForApproval('t1', { timeoutMs: 1_000, signal: kept.signal });
    expect(getEventListeners(kept.signal, 'abort')).toHaveLength(0);
  });

  it('an already aborted signal, a bad timeout or no credential: rejected before any request', async () => {
    const { psea, calls } = clientOf(() => json({ state: 'approved' }));
    expect(
      (await settle(psea.waitForApproval('t1', { timeoutMs: 1_000, signal: AbortSignal.abort() })))
        .error?.code,
    ).toBe('aborted');
    for (const timeoutMs of [0, -1, Number.NaN, Infinity]) {
      expect((await settle(psea.waitForApproval('t1', { timeoutMs }))).error?.code).toBe(
        'invalid_options',
      );
    }
    const keyless = new PseaClient({
      baseUrl: 'https://approve.example.com',
      fetch: fakeFetch(() => json({})).fetch,
    });
    expect((await settle(keyless.waitForApproval('t1', { timeoutMs: 1_000 }))).error?.code).toBe(
      'invalid_options',
    );
    expect(calls).toHaveLength(0);
  });
});
