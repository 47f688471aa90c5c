/**
 * psea/client's create retries against the real service in workerd: an
 * answer lost on the way back, and a 503 from the vault, are both retried
 * with the call's one Idempotency-Key, and the caller gets one ticket.
 */
import { createExecutionContext, env } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import app from '../../worker/index';
import { PseaClient } from '../../packages/psea/src/client/index.ts';
import type { UserVault } from '../../worker/vault/user-vault';
import { BASE, WIRE, apiKey, enroll, newUserId, vaultRows } from './harness';

beforeEach(() => void vi.spyOn(console, 'error').mockImplementation(() => undefined));
afterEach(() => vi.restoreAllMocks());

const tickets = async (userId: string): Promise<number> =>
  (await vaultRows<{ n: number }>(userId, 'SELECT COUNT(*) AS n FROM tickets'))[0]!.n;

/** The service as a service binding's fetch would reach it; `vault` stands in for VAULT when given. */
function service(vault?: typeof env.VAULT) {
  const seen: { key: string | null; replayed: string | null }[] = [];
  const run = async (input: RequestInfo | URL, init?: RequestInit, lose = false) => {
    const req = new Request(input, init);
    const res = await app.fetch(
      req,
      { ...env, ...(vault ? { VAULT: vault } : {}) },
      createExecutionContext(),
    );
    seen.push({
      key: req.headers.get('idempotency-key'),
      replayed: res.headers.get('idempotent-replayed'),
    });
    if (lose) throw new TypeError('Network connection lost.');
    return res;
  };
  return { run, seen };
}

describe('psea/client create retries, one key', () => {
  it('a 201 lost on the way back: the retry is the replay, the same ticket, and one ticket was made', async () => {
    const userId = newUserId('idem-client');
    await enroll(userId);
    const before = await tickets(userId);
    const s = service();
    let n = 0;
    const fetchFn = ((input: RequestInfo | URL, init?: RequestInit) =>
      s.run(input, init, ++n === 1)) as typeof fetch;
    const psea = new PseaClient({ baseUrl: BASE, apiKey: apiKey(), fetch: fetchFn });
    const approval = await psea.requestApproval({
      user: { id: userId },
      action: WIRE,
      audience: 'payments-api',
    });
    expect(approval.ticket).toMatch(/\./);
    expect(s.seen).toHaveLength(2);
    expect(s.seen[0]!.key).toBe(s.seen[1]!.key);
    expect(s.seen[1]!.replayed).toBe('true');
    expect(await tickets(userId)).toBe(before + 1);
  });

  it('a 503 from the vault: the retry runs the create once more and gets the ticket', async () => {
    const userId = newUserId('idem-client');
    await enroll(userId);
    const before = await tickets(userId);
    let failures = 1;
    const flaky = {
      idFromName: (name: string) => env.VAULT.idFromName(name),
      idFromString: (id: string) => env.VAULT.idFromString(id),
      get: (id: DurableObjectId) =>
        new Proxy(env.VAULT.get(id), {
          get: (t, p) =>
            p === 'createAction' && failures-- > 0
              ? async (..._a: Parameters<UserVault['createAction']>) => {
                  throw Object.assign(new Error('Durable Object is overloaded.'), {
                    retryable: true,
                    overloaded: true,
                  });
                }
              : (Reflect.get(t, p) as unknown),
        }),
    } as unknown as typeof env.VAULT;
    const s = service(flaky);
    const psea = new PseaClient({ baseUrl: BASE, apiKey: apiKey(), fetch: s.run as typeof fetch });
    const approval = await psea.requestApproval({
      user: { id: userId },
      action: WIRE,
      audience: 'payments-api',
    });
    expect(approval.approveUrl).toContain(approval.ticket);
    expect(s.seen.map((x) => x.replayed)).toEqual([null, null]);
    expect(new Set(s.seen.map((x) => x.key)).size).toBe(1);
    expect(await tickets(userId)).toBe(before + 1);
  });
});
