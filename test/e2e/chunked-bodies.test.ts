/**
 * Through `wrangler dev` (its proxy in front of workerd), where a chunked
 * body over the limit left half read used to hold every later request until
 * its client gave up (issue 26, fault 5; docs/configuration.md, "Request bodies").
 */
import { describe, expect, it } from 'vitest';
import { chunkedThenRequests } from '../support/chunked-load';
import { ctx } from './helpers';

describe('chunked bodies over 64 KiB under wrangler dev', () => {
  it('each is answered 413, and then 100 requests: 0 stuck', async () => {
    const outcome = await chunkedThenRequests(ctx.service, ctx.apiKey);
    expect(outcome.posts).toEqual([413, 413, 413, 413, 413, 413]);
    expect(outcome.stuck).toBe(0);
  }, 120_000);
});
