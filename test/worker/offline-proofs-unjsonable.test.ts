/**
 * POST /v1/offline-proofs takes no key, so anyone can post it: a body the
 * schema accepts but JCS refuses (a lone surrogate, or deep nesting, in
 * assertion.clientExtensionResults, which the schema takes as any record)
 * must be a 400 naming the proof, never a 500 (found by review: the proof's
 * retry hash was taken outside the route's canonical-JSON guard).
 */
import { createExecutionContext, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import app from '../../worker/index';
import { BASE } from './harness';

const b = 'AAAA';
function body(ext: string): string {
  const nonce = 'A'.repeat(64);
  return (
    `{"action":{"type":"door.open"},"statement":{"v":1,"iss":"${BASE}","aud":"door-7","sub":"u-1","act":"${'A'.repeat(43)}","nonce":"${nonce}","mode":"offline","signed_at":1},` +
    `"assertion":{"id":"${b}","rawId":"${b}","type":"public-key","clientExtensionResults":${ext},"response":{"clientDataJSON":"${b}","authenticatorData":"${b}","signature":"${b}"}}}`
  );
}

async function post(raw: string) {
  const res = await app.fetch(
    new Request(`${BASE}/v1/offline-proofs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: raw,
    }),
    env,
    createExecutionContext(),
  );
  return { status: res.status, body: await res.json<any>() };
}

describe('offline proofs JCS cannot serialise', () => {
  it('a lone surrogate in clientExtensionResults is a 4xx, not 500', async () => {
    const r = await post(body('{"x":"\\ud800"}'));
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body.code).toBe('invalid_request');
  });
  it('deep nesting in clientExtensionResults is a 4xx, not 500', async () => {
    const r = await post(body(`{"x":${'['.repeat(20000)}${']'.repeat(20000)}}`));
    expect(r.status, JSON.stringify(r.body)).toBeLessThan(500);
  });
});
