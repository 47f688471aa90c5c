/**
 * Issue 26's fault 5, as a load: chunked bodies over 64 KiB (no
 * Content-Length), anonymous and keyed, then 100 requests, each given 10 s.
 * A request that gets no answer in that time is stuck. Used against
 * `wrangler dev` (test/e2e/chunked-bodies.test.ts) and against workerd
 * served directly as the bench serves it (test/node/chunked-bodies-workerd.test.ts).
 */
import { request } from 'node:http';

export interface ChunkedOutcome {
  /** The oversize posts' answers: a status, or the socket error when the server closed first. */
  posts: (number | string)[];
  stuck: number;
  slowestMs: number;
}

/** POST `bytes` as a chunked body (node:http sends Transfer-Encoding: chunked without a length). */
function chunkedPost(
  base: string,
  path: string,
  bytes: number,
  headers: Record<string, string>,
): Promise<number | string> {
  const url = new URL(path, base);
  return new Promise((resolve) => {
    const req = request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      agent: false,
      timeout: 30_000,
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    // A server that answers before the body is sent may close under the sender: that is an answer too.
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    let sent = 0;
    const write = (): void => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', write);
          return;
        }
      }
      req.end();
    };
    write();
  });
}

async function timed(run: () => Promise<Response>): Promise<{ ok: boolean; ms: number }> {
  const start = Date.now();
  try {
    const res = await run();
    await res.arrayBuffer();
    return { ok: true, ms: Date.now() - start };
  } catch {
    return { ok: false, ms: Date.now() - start };
  }
}

/**
 * `rounds` anonymous chunked posts of 1 MiB to a browser route and as many keyed ones to a server
 * route, each followed by one request, then 100 requests (health checks and small posts, half one
 * by one, half at once).
 */
export async function chunkedThenRequests(
  base: string,
  apiKey: string,
  rounds = 3,
): Promise<ChunkedOutcome> {
  const one = (i: number) =>
    timed(() =>
      i % 2 === 0
        ? fetch(`${base}/healthz`, { signal: AbortSignal.timeout(10_000) })
        : fetch(`${base}/v1/offline-proofs`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{}',
            signal: AbortSignal.timeout(10_000),
          }),
    );
  const posts: (number | string)[] = [];
  const results = [];
  // Each oversize post is followed at once by a request: the stall held the very next one.
  for (let i = 0; i < rounds; i++) {
    posts.push(await chunkedPost(base, '/v1/offline-proofs', 1024 * 1024, {}));
    results.push(await one(0));
    posts.push(
      await chunkedPost(base, '/v1/actions', 1024 * 1024, { authorization: `Bearer ${apiKey}` }),
    );
    results.push(await one(1));
  }
  // Then 100 more: half one by one, half at once.
  for (let i = 0; i < 50; i++) results.push(await one(i));
  results.push(...(await Promise.all(Array.from({ length: 50 }, (_, i) => one(i)))));
  return {
    posts,
    stuck: results.filter((r) => !r.ok).length,
    slowestMs: Math.max(...results.map((r) => r.ms)),
  };
}
