/**
 * `Idempotency-Key` on the create routes (docs/api.md, "Idempotent requests").
 * Mount after `requireApiKey` and before the body's validation:
 *
 *   app.post('/v1/things', requireApiKey, idempotent, jsonBody(Thing), handler)
 *
 * Without the header the route runs as before. With it, one Durable Object per
 * (API key, key) pair, named by a hash of both, admits one request at a time:
 * the first runs the route, and its answer, unless a 5xx, is kept 24 hours and
 * replayed with `Idempotent-Replayed: true` to a repeat with a byte-identical
 * body on the same method and path. A 5xx gives the key back, so the caller's
 * retry runs the create afresh. The kept answer is sealed under the API key and
 * the key (idempotency/sealed-answer.ts): the record alone opens nothing.
 */
import { createMiddleware } from 'hono/factory';
import type { Env } from '../env';
import type { AppEnv } from '../env';
import { ProblemError } from '../errors';
import type { IdempotencyRecord, Reservation } from '../idempotency/idempotency-record';
import { sha256B64url } from '../../packages/psea/src/internal/sha256-b64url';
import { answerKey, seal, unseal } from '../idempotency/sealed-answer';
import { callObject } from '../vault/object-call';

/** 1–255 printable ASCII characters (space included; fetch trims the ends). */
const KEY = /^[\x20-\x7e]{1,255}$/;

type Stub = DurableObjectStub<IdempotencyRecord>;

/** The object of one (API key, key) pair. The name is a hash: the key store never sees either. */
export async function idempotencyRecord(env: Env, apiKey: string, key: string): Promise<Stub> {
  // Hash the API key on its own first: the name is then a hash of a hash and a key that is
  // the caller's own, with a separator neither can contain.
  const name = await sha256B64url(`${await sha256B64url(apiKey)}\n${key}`);
  return env.IDEMPOTENCY.get(env.IDEMPOTENCY.idFromName(name));
}

const bearerOf = (header: string | undefined): string =>
  /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1] ?? '';

async function fingerprint(method: string, path: string, body: ArrayBuffer): Promise<string> {
  const bodyHash = await sha256B64url(new Uint8Array(body));
  return sha256B64url(`${method} ${path}\n${bodyHash}`);
}

/** The answer to a repeat: the kept one, opened and marked; or the problem the record named. */
async function refusal(
  reservation: Exclude<Reservation, { kind: 'reserved' }>,
  sealKey: CryptoKey,
  print: string,
): Promise<Response> {
  if (reservation.kind === 'mismatch') {
    throw new ProblemError(
      'idempotency_mismatch',
      'this Idempotency-Key was used with another request body',
    );
  }
  if (reservation.kind === 'in_progress') {
    throw new ProblemError(
      'idempotency_in_progress',
      'the first request with this Idempotency-Key is still being answered',
    );
  }
  const { answer } = reservation;
  return new Response(await unseal(sealKey, answer.body, print), {
    status: answer.status,
    // Every create's answer is no-store (worker/index.ts): so is its replay.
    headers: {
      'content-type': answer.contentType,
      'cache-control': 'no-store',
      'idempotent-replayed': 'true',
    },
  });
}

export const idempotent = createMiddleware<AppEnv>(async (c, next) => {
  const key = c.req.header('idempotency-key');
  if (key === undefined) return next();
  if (!KEY.test(key))
    throw new ProblemError(
      'invalid_request',
      'Idempotency-Key: 1 to 255 printable ASCII characters',
    );
  const env = c.env;
  const apiKey = bearerOf(c.req.header('authorization'));
  const open = () => idempotencyRecord(env, apiKey, key);
  const print = await fingerprint(
    c.req.method,
    new URL(c.req.url).pathname,
    await c.req.arrayBuffer(),
  );
  const sealKey = await answerKey(apiKey, key);
  const now = Date.now();
  // RPC's types do not carry a union through: the object's own type is named here.
  const lease = crypto.randomUUID();
  const reserve = (s: Stub) => s.reserve(print, now, lease) as unknown as Promise<Reservation>;
  const first = await open();
  let reservation: Reservation;
  try {
    reservation = await callObject('idempotency.reserve', false, first, () => first, reserve);
  } catch (err) {
    // The reserve may have been taken with its answer lost: give it back, or it holds 60 s.
    await (await open()).release(lease).catch(() => undefined);
    throw err;
  }
  if (reservation.kind !== 'reserved') return refusal(reservation, sealKey, print);

  await next();

  const res = c.res;
  // A fresh stub: the first may have thrown, and a stub that has is broken for good.
  const stub = await open();
  if (res.status >= 500) {
    // The create may have committed (a 503 from a vault write): the key is given back, and what
    // that first try made, if anything, was never answered to anyone (docs/api.md).
    await stub.release(lease).catch((err: unknown) => logLost('release', err));
    return;
  }
  const body = await seal(sealKey, await res.clone().text(), print);
  const answer = { status: res.status, contentType: res.headers.get('content-type') ?? '', body };
  // Kept before the answer leaves: a repeat that follows it is replayed, never run.
  const complete = (s: Stub) => s.complete(lease, answer, Date.now());
  const kept = await complete(stub)
    .catch(async () => complete(await open()))
    .catch((err: unknown) => logLost('complete', err));
  if (kept === false)
    console.error('[psea] idempotency: a lease lapsed before its answer was kept');
});

/** The answer still goes out; the key stays reserved until its lease lapses (docs/api.md). */
function logLost(step: string, err: unknown): undefined {
  const name = err instanceof Error ? `${err.name}: ${err.message.slice(0, 200)}` : typeof err;
  console.error(`[psea] idempotency: ${step} failed: ${name}`);
  return undefined;
}
