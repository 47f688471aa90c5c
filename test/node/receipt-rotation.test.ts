/**
 * Rotating RECEIPT_SIGNING_KEYS with approvals and verifyReceipt calls in
 * flight (issue 26, item 8; docs/configuration.md, "Key rotation"), against
 * the real Worker in workerd, each step a redeploy with the same storage:
 *
 *   [old]  ->  add: [old, new]  ->  promote: [new, old]
 *
 * Four users approve in a loop throughout. Each receipt is verified at once
 * against the JWKS served at its time, and by a backend that follows the
 * documented wait (its cached JWKS refreshed after the add step, before the
 * promotion), and at the end against the JWKS then served: 0 failures. A
 * backend that skipped the wait is shown to fail with key_unknown, which is
 * why the add step comes first.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyReceipt, type PublicJWKSet } from '../../packages/psea/src/receipt/index.ts';
import { SoftAuthenticator } from '../support/soft-authenticator';
import { serveWorker, type WorkerdService } from '../support/workerd-service';

const apiKey = randomBytes(32).toString('base64url');
const jwk = (kid: string) => ({
  ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }),
  kid,
  alg: 'ES256',
});
const OLD = jwk('old');
const NEW = jwk('new');
const keys = (...k: object[]) => JSON.stringify({ keys: k });
let service: WorkerdService;

async function api(path: string, body?: unknown, auth = true): Promise<any> {
  const res = await fetch(`${service.base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      ...(auth ? { authorization: `Bearer ${apiKey}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const data = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${data.code}`);
  return data;
}

async function enroll(userId: string): Promise<SoftAuthenticator> {
  const auth = await SoftAuthenticator.create();
  const { ticket } = await api('/v1/enrollments', { user: { id: userId, name: userId } });
  const { options } = await api(`/v1/enrollments/${ticket}`, undefined, false);
  await api(
    `/v1/enrollments/${ticket}`,
    await auth.register(options, { origin: service.base }),
    false,
  );
  return auth;
}

interface Issued {
  receipt: string;
  userId: string;
  action: Record<string, unknown>;
  /** The JWKS the service served right after it issued the receipt. */
  jwks: PublicJWKSet;
}

async function approve(userId: string, auth: SoftAuthenticator, n: number): Promise<Issued> {
  const action = { type: 'wire.transfer', amount: `${n}.00`, to: 'DE89' };
  const { ticket } = await api('/v1/actions', {
    user: { id: userId },
    action,
    audience: 'payments-api',
  });
  const { options } = await api(`/v1/actions/${ticket}`, undefined, false);
  const { receipt } = await api(
    `/v1/actions/${ticket}/verify`,
    await auth.assert(options, { origin: service.base }),
    false,
  );
  return { receipt, userId, action, jwks: await api('/.well-known/jwks.json', undefined, false) };
}

const check = (i: Issued, jwks: PublicJWKSet) =>
  verifyReceipt(i.receipt, {
    jwks,
    issuer: service.base,
    audience: 'payments-api',
    subject: i.userId,
    action: i.action,
  }).then(
    () => 'ok',
    (err: { code?: string }) => err.code ?? 'error',
  );
const kidOf = (receipt: string): string =>
  JSON.parse(Buffer.from(receipt.split('.')[0]!, 'base64url').toString()).kid;

beforeAll(async () => {
  service = await serveWorker({ API_KEYS: apiKey, RECEIPT_SIGNING_KEYS: keys(OLD) });
}, 120_000);
afterAll(async () => service?.stop());

describe('receipt-key rotation with approvals in flight', () => {
  it('0 failed verifies; every receipt verifies against the JWKS served at its time', async () => {
    const users = await Promise.all(
      [0, 1, 2, 3].map(async (i) => {
        const id = `rot-${Date.now().toString(36)}-${i}`;
        return { id, auth: await enroll(id) };
      }),
    );
    const issued: Issued[] = [];
    const failures: string[] = [];
    let interrupted = 0;
    // The backend that follows the procedure: its JWKS is the one it cached, refreshed on schedule.
    let backendJwks: PublicJWKSet = await api('/.well-known/jwks.json', undefined, false);
    const stale = backendJwks; // a backend that never refreshes: the negative control
    let running = true;
    let n = 0;
    const loops = users.map(async ({ id, auth }) => {
      while (running) {
        let one: Issued;
        try {
          one = await approve(id, auth, ++n);
        } catch {
          interrupted++; // a redeploy under the request: the caller asks again
          await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        issued.push(one);
        const [atItsTime, backend] = await Promise.all([
          check(one, one.jwks),
          check(one, backendJwks),
        ]);
        if (atItsTime !== 'ok') failures.push(`at its time: ${atItsTime}`);
        if (backend !== 'ok') failures.push(`backend: ${backend}`);
      }
    });
    const count = async (k: number) => {
      const target = issued.length + k;
      while (issued.length < target) await new Promise((r) => setTimeout(r, 20));
    };
    await count(12);
    await service.redeploy({ RECEIPT_SIGNING_KEYS: keys(OLD, NEW) }); // 1. add
    await count(12);
    backendJwks = await api('/.well-known/jwks.json', undefined, false); // the backend's cache lapses
    await service.redeploy({ RECEIPT_SIGNING_KEYS: keys(NEW, OLD) }); // 2. promote
    await count(12);
    running = false;
    await Promise.all(loops);

    expect(failures).toEqual([]);
    const kids = issued.map((i) => kidOf(i.receipt));
    expect(kids).toContain('old');
    expect(kids).toContain('new');
    // Signed by old until the promotion, by new after: no receipt names a key its JWKS lacked.
    for (const i of issued) expect(i.jwks.keys.map((k) => k.kid)).toContain(kidOf(i.receipt));
    // And every one still verifies against the JWKS served now (the old key still published).
    const now: PublicJWKSet = await api('/.well-known/jwks.json', undefined, false);
    expect(now.keys.map((k) => k.kid)).toEqual(['new', 'old']);
    expect(new Set(await Promise.all(issued.map((i) => check(i, now))))).toEqual(new Set(['ok']));
    // Why step 1 waits: a backend whose JWKS predates the add step cannot check a new receipt.
    const fresh = issued.find((i) => kidOf(i.receipt) === 'new')!;
    expect(await check(fresh, stale)).toBe('key_unknown');
    console.log(
      `rotation: ${issued.length} receipts (${kids.filter((k) => k === 'new').length} by the new key), ${interrupted} approvals interrupted by the two redeploys, 0 failed verifies`,
    );
  }, 180_000);
});
