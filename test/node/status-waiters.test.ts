/**
 * Long-poll waiters are bounded: one leaked statusToken must not park
 * unbounded requests in its user's vault. Past a bound a wait resolves at
 * once (the route then answers the row's state, pending), never held.
 */
import { describe, expect, it } from 'vitest';
import { StatusWaiters } from '../../worker/vault/memory/status-waiters';

describe('StatusWaiters bounds', () => {
  it('holds at most perTicket waits on one ticket; the next resolves at once, and all held ones are woken', async () => {
    const waiters = new StatusWaiters<string>({ perTicket: 3, total: 10 });
    const held = [1, 2, 3].map(() => waiters.wait('t', 60_000));
    expect(waiters.size).toBe(3);
    expect(await waiters.wait('t', 60_000)).toBeUndefined();
    expect(waiters.size).toBe(3);
    waiters.settle('t', 'approved');
    expect(await Promise.all(held)).toEqual(['approved', 'approved', 'approved']);
    expect(waiters.size).toBe(0);
  });

  it('holds at most total waits over every ticket', async () => {
    const waiters = new StatusWaiters<string>({ perTicket: 5, total: 4 });
    const held = ['a', 'a', 'b', 'c'].map((hash) => waiters.wait(hash, 60_000));
    expect(await waiters.wait('d', 60_000)).toBeUndefined();
    expect(waiters.size).toBe(4);
    for (const hash of ['a', 'b', 'c']) waiters.settle(hash, hash);
    expect(await Promise.all(held)).toEqual(['a', 'a', 'b', 'c']);
  });

  it('the default bounds still hold 200 waits on one ticket (SPEC test: 200 concurrent waiters are all woken)', () => {
    const waiters = new StatusWaiters<string>();
    for (let i = 0; i < 200; i++) void waiters.wait('t', 60_000);
    expect(waiters.size).toBe(200);
    waiters.settle('t', 'done');
    expect(waiters.size).toBe(0);
  });
});
