/**
 * A webhook receiver for worker tests: the vault's outbound fetch, stood in
 * for (the Durable Object runs in the test's isolate, so a spy on
 * globalThis.fetch sees its deliveries). Each try to `url` (any, when
 * absent) is recorded as sent; the receiver answers `answers` in turn, then 204.
 */
import { vi } from 'vitest';
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { Webhook } from 'standardwebhooks';
import { logOrigin, openCheckpoint } from '../../packages/psea/src/log/checkpoint';
import { verifierKeyOf } from '../../packages/psea/src/log/note-keys';
import { vaultRows } from './harness';

const vaultOf = (userId: string) => env.VAULT.get(env.VAULT.idFromName(userId));

export interface Sent {
  url: string;
  headers: Record<string, string>;
  body: string;
  redirect: RequestInit['redirect'];
  /** When it arrived (ms). */
  at: number;
}

export function receiver(answers: (number | 'throw')[] = [], url?: string) {
  const sent: Sent[] = [];
  const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const req = new Request(input, init);
    // Another test's leftover (a later expiry): answered, not recorded.
    if (url !== undefined && req.url !== url) return new Response(null, { status: 204 });
    sent.push({
      url: req.url,
      headers: Object.fromEntries(req.headers),
      body: await req.text(),
      redirect: init?.redirect,
      at: Date.now(),
    });
    const answer = answers.shift() ?? 204;
    if (answer === 'throw') throw new TypeError('connection refused');
    return new Response(null, {
      status: answer,
      headers:
        answer >= 300 && answer < 400
          ? { location: 'http://169.254.169.254/latest/meta-data/' }
          : {},
    });
  });
  return { sent, restore: () => spy.mockRestore() };
}

/** The event a delivery carries, after checking its signature as a receiver would, with standardwebhooks. */
export function verified(s: Sent): any {
  return new Webhook(env.WEBHOOK_SECRET!).verify(s.body, s.headers);
}

export const deliveriesOf = (userId: string) =>
  vaultRows<{ id: string; attempts: number; next_at: number; url: string }>(
    userId,
    'SELECT id, attempts, next_at, url FROM deliveries',
  );

/** Let the clock reach every delivery's next try, then run the vault's alarm, as the runtime would then. */
export async function nextTry(userId: string): Promise<void> {
  const vault = vaultOf(userId);
  await runInDurableObject(vault, (_i, state) => {
    state.storage.sql.exec('UPDATE deliveries SET next_at = 0');
  });
  await runDurableObjectAlarm(vault);
}

/** Wait until `n` tries were sent (the alarm runs on its own) and the vault has recorded the outcome of the last. */
export async function untilSent(
  sent: Sent[],
  n: number,
  userId: string,
  rows?: number,
): Promise<void> {
  await vi.waitFor(
    async () => {
      if (sent.length < n) throw new Error(`${sent.length} of ${n} sent`);
      if (rows !== undefined && (await deliveriesOf(userId)).length !== rows)
        throw new Error('not yet recorded');
    },
    { timeout: 15_000, interval: 20 },
  );
}

/** The size of a body's `checkpoint`, once its signature verifies under the pinned log key for this user's log. */
export async function checkpointSize(note: string, userId: string): Promise<number> {
  const key = await verifierKeyOf(env.LOG_SIGNING_KEY!);
  return (await openCheckpoint(note, [key], await logOrigin(key.split('+')[0]!, userId))).checkpoint
    .size;
}
