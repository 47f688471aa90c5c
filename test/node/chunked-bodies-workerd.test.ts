/**
 * The real Worker served by workerd directly, as the bench serves it (no
 * `wrangler dev` proxy in front): chunked bodies over 64 KiB, then 100
 * requests, 0 stuck (issue 26, fault 5; docs/configuration.md, "Request bodies").
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunkedThenRequests } from '../support/chunked-load';
import { serveWorker, type WorkerdService } from '../support/workerd-service';

const apiKey = randomBytes(32).toString('base64url');
let service: WorkerdService;

beforeAll(async () => {
  const jwk = {
    ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }),
    kid: 'k',
    alg: 'ES256',
  };
  service = await serveWorker({
    API_KEYS: apiKey,
    RECEIPT_SIGNING_KEYS: JSON.stringify({ keys: [jwk] }),
  });
}, 120_000);
afterAll(async () => service?.stop());

describe('chunked bodies over 64 KiB, workerd served directly', () => {
  it('each is refused, and then 100 requests: 0 stuck', async () => {
    const outcome = await chunkedThenRequests(service.base, apiKey);
    // workerd closes a connection whose body it did not read: the sender may see that reset
    // before it reads the 413, as any HTTP/1.1 server that answers early can do to it.
    for (const answer of outcome.posts) expect([413, 'ECONNRESET', 'EPIPE']).toContain(answer);
    expect(outcome.stuck).toBe(0);
  }, 120_000);
});
