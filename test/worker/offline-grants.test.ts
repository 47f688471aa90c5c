/**
 * SPEC.md v2 "Offline approvals": POST /v1/users/:id/offline-grants. Attack
 * first: a thief with a valid session of the host app (no API key) gets no
 * grant, nor does a user with no active credential, nor any request for the
 * service's own types or audience; then the bundle is what the field
 * verifier (verifyOfflineProof) accepts, with only active credentials.
 */
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { verifyOfflineProof } from '../../packages/psea/src/offline/index';
import type { OfflineBundleClaims } from '../../packages/psea/src/offline/types';
import { makeProof } from '../support/offline-proofs';
import { SoftAuthenticator } from '../support/soft-authenticator';
import {
  BASE,
  call,
  enroll,
  enrollAnother,
  expectProblem,
  newUserId,
  ORIGIN,
  vaultRows,
} from './harness';

const DOOR = { type: 'door.open', door: '7' };
const REQUEST = { count: 3, ttl: 3600, audience: 'door-7', types: ['door.open', 'wire.*'] };

const grantsPath = (userId: string) => `/v1/users/${encodeURIComponent(userId)}/offline-grants`;

function askGrants(userId: string, body: unknown = REQUEST, opts: Parameters<typeof call>[3] = {}) {
  return call('POST', grantsPath(userId), body, opts);
}

describe('who may ask for grants', () => {
  it("a thief with the host app's session but no API key: 401, and nothing is stored", async () => {
    const userId = newUserId('og');
    await enroll(userId);
    expectProblem(
      await askGrants(userId, REQUEST, {
        auth: false,
        headers: { cookie: 'session=stolen', origin: ORIGIN },
      }),
      401,
      'unauthorized',
    );
    expectProblem(
      await askGrants(userId, REQUEST, { auth: 'not-a-key-not-a-key-not-a-key-not-a-key' }),
      401,
      'unauthorized',
    );
    expect(await vaultRows(userId, 'SELECT nonce FROM offline_grants')).toEqual([]);
  });

  it('no CORS: a browser page cannot read the answer', async () => {
    const userId = newUserId('og');
    await enroll(userId);
    const r = await askGrants(userId, REQUEST, { headers: { origin: ORIGIN } });
    expect(r.status).toBe(201);
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a user who never enrolled, or whose every credential is revoked: 409 not_enrolled, nothing stored', async () => {
    const never = newUserId('og');
    expectProblem(await askGrants(never), 409, 'not_enrolled');
    const revoked = newUserId('og');
    const { reply } = await enroll(revoked);
    expect(
      (await call('DELETE', `/v1/users/${revoked}/credentials/${reply.body.credentialId}`)).status,
    ).toBe(204);
    expectProblem(await askGrants(revoked), 409, 'not_enrolled');
    expect(await vaultRows(revoked, 'SELECT nonce FROM offline_grants')).toEqual([]);
  });
});

describe('what a request may ask for', () => {
  const bad: [string, unknown][] = [
    ['count 0', { ...REQUEST, count: 0 }],
    ['count 101', { ...REQUEST, count: 101 }],
    ['count 1.5', { ...REQUEST, count: 1.5 }],
    ['ttl 59', { ...REQUEST, ttl: 59 }],
    ['ttl 30 days + 1 s', { ...REQUEST, ttl: 2_592_001 }],
    ['no ttl', { count: 1, audience: 'door-7', types: ['door.open'] }],
    ['no types', { count: 1, ttl: 60, audience: 'door-7' }],
    ['empty types', { ...REQUEST, types: [] }],
    ['a bare *', { ...REQUEST, types: ['*'] }],
    ['a * not after a dot', { ...REQUEST, types: ['wire*'] }],
    ['a * in the middle', { ...REQUEST, types: ['wire.*.x'] }],
    ["the service's own types, by pattern", { ...REQUEST, types: ['psea.*'] }],
    ["the service's own type, exactly", { ...REQUEST, types: ['psea.credential.add'] }],
    ["the service's own audience", { ...REQUEST, audience: 'psea' }],
    ['no audience', { count: 1, ttl: 60, types: ['door.open'] }],
    ['a type that is not a string', { ...REQUEST, types: [7] }],
    ['not an object', [REQUEST]],
  ];
  for (const [what, body] of bad) {
    it(`${what}: 400 invalid_request`, async () => {
      const userId = newUserId('og');
      await enroll(userId);
      expectProblem(await askGrants(userId, body), 400, 'invalid_request');
      expect(await vaultRows(userId, 'SELECT nonce FROM offline_grants')).toEqual([]);
    });
  }

  it('malformed JSON and a user id a path cannot carry: 400', async () => {
    const userId = newUserId('og');
    expectProblem(
      await call('POST', grantsPath(userId), undefined, { raw: '{"count":' }),
      400,
      'invalid_request',
    );
    expectProblem(await askGrants('x'.repeat(129)), 400, 'invalid_request');
  });
});

describe('the grants and the bundle', () => {
  it('201: count fresh nonces of 16 random bytes, each stored once, expiring after ttl', async () => {
    const userId = newUserId('og');
    await enroll(userId);
    const before = Date.now();
    const r = await askGrants(userId, { ...REQUEST, count: 5 });
    expect(r.status).toBe(201);
    const grants = r.body.grants as { nonce: string; expiresAt: string }[];
    expect(grants).toHaveLength(5);
    for (const g of grants) {
      expect(g.nonce).toMatch(/^[A-Za-z0-9_-]{22,}$/);
      expect(g.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const at = Date.parse(g.expiresAt);
      expect(at).toBeGreaterThanOrEqual(before + 3600_000 - 1000);
      expect(at).toBeLessThanOrEqual(Date.now() + 3600_000 + 1000);
    }
    expect(new Set(grants.map((g) => g.nonce)).size).toBe(5);
    const rows = await vaultRows<{ nonce: string; state: string; aud: string }>(
      userId,
      'SELECT nonce, state, aud FROM offline_grants ORDER BY nonce',
    );
    expect(rows.map((row) => row.nonce)).toEqual(grants.map((g) => g.nonce).sort());
    expect(rows.every((row) => row.state === 'pending' && row.aud === 'door-7')).toBe(true);
    // Another call, other nonces.
    const again = await askGrants(userId);
    expect(
      again.body.grants.some((g: { nonce: string }) => grants.some((h) => h.nonce === g.nonce)),
    ).toBe(false);
  });

  it('the bundle: a psea-offline+jwt of the receipt key, with every claim SPEC lists', async () => {
    const userId = newUserId('og');
    const { auth } = await enroll(userId);
    const r = await askGrants(userId);
    const header = decodeProtectedHeader(r.body.bundle);
    expect(header.typ).toBe('psea-offline+jwt');
    const jwks = (await call('GET', '/.well-known/jwks.json', undefined, { auth: false })).body;
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).toContain(header.kid);
    const claims = decodeJwt(r.body.bundle) as unknown as OfflineBundleClaims;
    expect(claims).toMatchObject({
      iss: BASE,
      sub: userId,
      aud: 'door-7',
      types: ['door.open', 'wire.*'],
      rp: { id: 'localhost', origins: ['http://localhost:8787', 'https://app.example.com'] },
      grants: r.body.grants.map((g: { nonce: string }) => g.nonce),
    });
    expect(claims.exp).toBe(Date.parse(r.body.grants[0].expiresAt) / 1000);
    expect(claims.creds).toEqual([
      {
        id: auth.credentialId,
        publicKey: expect.stringMatching(/^[A-Za-z0-9_-]+$/),
        alg: -7,
        deviceBound: true,
      },
    ]);
  });

  it('verifyOfflineProof accepts a proof made on the bundle, and refuses its replay', async () => {
    const userId = newUserId('og');
    const { auth } = await enroll(userId);
    const r = await askGrants(userId);
    const claims = decodeJwt(r.body.bundle) as unknown as OfflineBundleClaims;
    const proof = await makeProof({
      auth,
      bundle: claims,
      action: DOOR,
      origin: ORIGIN,
      signedAt: Math.floor(Date.now() / 1000),
    });
    const jwks = (await call('GET', '/.well-known/jwks.json', undefined, { auth: false })).body;
    const seen = new Set<string>();
    const options = {
      bundle: r.body.bundle,
      jwks,
      subject: userId,
      audience: 'door-7',
      action: DOOR,
      now: Date.now(),
      seen,
    };
    const verified = await verifyOfflineProof(proof, options);
    expect(verified.credential.id).toBe(auth.credentialId);
    await expect(verifyOfflineProof(proof, options)).rejects.toMatchObject({ code: 'ticket_used' });
  });

  it('creds: the active credentials only (not a revoked one, not one held for approval)', async () => {
    const userId = newUserId('og');
    const { auth: first } = await enroll(userId);
    const { auth: second } = await enrollAnother(userId, first, {
      alg: -8,
      backupEligible: true,
      backedUp: true,
    });
    const third = await enrollAnother(userId, first);
    expect(
      (await call('DELETE', `/v1/users/${userId}/credentials/${third.auth.credentialId}`)).status,
    ).toBe(204);
    // A fourth, held (202) and never approved.
    const held = await SoftAuthenticator.create();
    const ticket = (await call('POST', '/v1/enrollments', { user: { id: userId, name: 'held' } }))
      .body.ticket;
    const opts = (await call('GET', `/v1/enrollments/${ticket}`, undefined, { auth: false })).body
      .options;
    expect(
      (
        await call(
          'POST',
          `/v1/enrollments/${ticket}`,
          await held.register(opts, { origin: ORIGIN }),
          { auth: false },
        )
      ).status,
    ).toBe(202);

    const claims = decodeJwt(
      (await askGrants(userId)).body.bundle,
    ) as unknown as OfflineBundleClaims;
    expect(claims.creds.map((c) => c.id).sort()).toEqual(
      [first.credentialId, second.credentialId].sort(),
    );
    expect(claims.creds.find((c) => c.id === second.credentialId)).toMatchObject({
      alg: -8,
      deviceBound: false,
    });
  });
});
