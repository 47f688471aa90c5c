/**
 * `psea/offline` as a field device installs it: the package subpath resolves
 * to the bundle `npm run build` writes (packages/psea/dist/offline.js, jose,
 * canonicalize and @simplewebauthn/server left external), and that bundle
 * verifies a real proof and refuses its replay, in plain Node.
 */
import { describe, expect, it } from 'vitest';
import {
  OFFLINE,
  bundleClaims,
  makeProof,
  offlineKeys,
  signBundle,
} from '../support/offline-proofs';
import { SoftAuthenticator } from '../support/soft-authenticator';

describe('the built psea/offline', () => {
  it('is the dist bundle, and verifies a proof once', async () => {
    const pkg = await import('psea/offline');
    const resolved = import.meta.resolve('psea/offline');
    expect(resolved).toMatch(/\/packages\/psea\/dist\/offline\.js$/);

    const keys = await offlineKeys();
    const auth = await SoftAuthenticator.create({ alg: -8 });
    const claims = bundleClaims({ creds: [auth] });
    const action = { type: 'door.open', door: '7' };
    const proof = await makeProof({ auth, bundle: claims, action });
    const options = {
      bundle: await signBundle(claims, keys.signer),
      jwks: keys.jwks,
      subject: OFFLINE.sub,
      audience: OFFLINE.aud,
      action,
      now: (OFFLINE.now + 60) * 1000,
      seen: new Set<string>(),
    };
    const { signedAt } = await pkg.verifyOfflineProof(proof, options);
    expect(signedAt).toBe(proof.statement.signed_at);
    const replay = await pkg.verifyOfflineProof(proof, options).catch((e: unknown) => e);
    expect(replay).toBeInstanceOf(pkg.OfflineProofError);
    expect((replay as InstanceType<typeof pkg.OfflineProofError>).code).toBe('ticket_used');
  });
});
