/**
 * Bodies of unknown length (docs/configuration.md, "Request bodies"): one over the
 * limit is never left half read. Without a valid API key a chunked body is
 * refused before a byte is read; with one, it is read to the limit, then
 * drained (at most DRAIN_BYTES more) and cancelled. The streams here count
 * what the Worker pulled from them.
 */
import { createExecutionContext, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import app from '../../worker/index';
import { DRAIN_BYTES } from '../../worker/http/body-limit';
import { BASE, apiKey, expectProblem, newUserId } from './harness';

const CHUNK = 16 * 1024;

/** A stream of `total` bytes (Infinity: endless) in 16 KiB chunks, counting what was pulled and whether it was cancelled. */
function counted(total: number, fill = 0x20) {
  const seen = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(c) {
        if (seen.pulled >= total) return c.close();
        seen.pulled += CHUNK;
        c.enqueue(new Uint8Array(CHUNK).fill(fill));
      },
      cancel() {
        seen.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, seen };
}

async function post(path: string, body: ReadableStream | string, headers: Record<string, string>) {
  const req = new Request(`${BASE}${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
    duplex: 'half',
  } as RequestInit);
  const res = await app.fetch(req, env, createExecutionContext());
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text), headers: res.headers };
}

describe('a chunked body over 64 KiB', () => {
  it('without an API key: 413 before a byte is read, on browser, public and server routes', async () => {
    for (const path of [
      '/v1/offline-proofs',
      `/v1/actions/${'a'.repeat(64)}.${'b'.repeat(43)}/verify`,
      '/v1/actions',
    ]) {
      const { stream, seen } = counted(1024 * 1024);
      const r = await post(path, stream, { 'transfer-encoding': 'chunked' });
      expectProblem(r, 413, 'payload_too_large');
      expect(r.body.detail).toMatch(/Content-Length/);
      expect(seen.pulled).toBe(0);
    }
  });

  it('a made-up API key is no key: refused unread too', async () => {
    const { stream, seen } = counted(1024 * 1024);
    const r = await post('/v1/actions', stream, {
      'transfer-encoding': 'chunked',
      authorization: `Bearer ${'x'.repeat(40)}`,
    });
    expectProblem(r, 413, 'payload_too_large');
    expect(seen.pulled).toBe(0);
  });

  it('with an API key: 413 once over, and the rest is read to its end (1 MiB)', async () => {
    const { stream, seen } = counted(1024 * 1024);
    const r = await post('/v1/actions', stream, {
      'transfer-encoding': 'chunked',
      authorization: `Bearer ${apiKey()}`,
    });
    expectProblem(r, 413, 'payload_too_large');
    expect(r.body.detail).toBe('body over 64 KiB');
    expect(seen.pulled).toBe(1024 * 1024);
    expect(seen.cancelled).toBe(false);
  });

  it('with an API key and an endless body: drained up to DRAIN_BYTES, then cancelled', async () => {
    const { stream, seen } = counted(Infinity);
    const r = await post('/v1/actions', stream, {
      'transfer-encoding': 'chunked',
      authorization: `Bearer ${apiKey()}`,
    });
    expectProblem(r, 413, 'payload_too_large');
    expect(seen.cancelled).toBe(true);
    expect(seen.pulled).toBeGreaterThan(DRAIN_BYTES);
    // POST /v1/actions reads up to a batch's 4 MiB before the drain (docs/batches.md).
    expect(seen.pulled).toBeLessThanOrEqual(4 * 1024 * 1024 + DRAIN_BYTES + 2 * CHUNK);
  });

  it('with an API key and a body within the limit: read and served', async () => {
    const json = new TextEncoder().encode(
      JSON.stringify({ user: { id: newUserId('chunked'), name: 'ada' } }),
    );
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(json);
        c.close();
      },
    });
    const r = await post('/v1/enrollments', stream, {
      'transfer-encoding': 'chunked',
      authorization: `Bearer ${apiKey()}`,
    });
    expect(r.status).toBe(201);
  });

  it('Content-Length over the limit: 413 before a byte is read', async () => {
    const { stream, seen } = counted(1024 * 1024);
    const r = await post('/v1/offline-proofs', stream, { 'content-length': String(1024 * 1024) });
    expectProblem(r, 413, 'payload_too_large');
    expect(seen.pulled).toBe(0);
  });
});
