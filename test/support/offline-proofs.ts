/**
 * Offline bundles and proofs for tests (SPEC.md v2 "Offline approvals"):
 * a bundle signed the way the service signs one (jose SignJWT, the receipt
 * key, `typ: psea-offline+jwt`), and proofs made by the soft authenticator
 * for the offline statement's challenge. Every part can be bent: claims,
 * header, key, statement members, and anything the authenticator bends.
 * WebCrypto and jose only, so it runs in Node and in workerd alike.
 */
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { SignJWT, type JWTHeaderParameters } from 'jose';
import {
  offlineChallenge,
  offlineStatement,
} from '../../packages/psea/src/offline/offline-statement.ts';
import type {
  OfflineBundleClaims,
  OfflineCredential,
  OfflineProof,
  OfflineStatement,
} from '../../packages/psea/src/offline/types.ts';
import { randomId } from '../../worker/lib/random-id.ts';
import { loadSigningKeys } from '../../worker/receipts/signing-keys.ts';
import type { SigningKey, SigningKeySet } from '../../packages/psea/src/receipt/types.ts';
import { b64url, type AssertionBend, type SoftAuthenticator } from './soft-authenticator';

export const OFFLINE = {
  iss: 'https://approve.example.com',
  sub: 'u-123',
  aud: 'door-7',
  rpId: 'approve.example.com',
  origin: 'https://approve.example.com',
  /** NumericDate the bundles are made at. */
  now: 1_800_000_000,
} as const;

/** A fresh receipt key set of one key (ES256 or EdDSA), made with WebCrypto. */
export async function offlineKeys(alg: 'ES256' | 'EdDSA' = 'ES256'): Promise<SigningKeySet> {
  const params = alg === 'ES256' ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'Ed25519' };
  const pair = (await crypto.subtle.generateKey(params, true, ['sign', 'verify'])) as CryptoKeyPair;
  const jwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
  return loadSigningKeys(JSON.stringify({ keys: [{ ...jwk, alg }] }));
}

/** The bundle's entry for an authenticator. */
export function credentialOf(auth: SoftAuthenticator): OfflineCredential {
  return {
    id: auth.credentialId,
    publicKey: b64url(auth.publicKeyCose),
    alg: auth.alg,
    deviceBound: !auth.backupEligible,
  };
}

export interface BundleInput {
  creds: SoftAuthenticator[];
  grants?: string[];
  types?: string[];
  /** Claims to replace (or remove, with undefined). */
  claims?: Record<string, unknown>;
  header?: Partial<JWTHeaderParameters>;
}

/** The claims of a bundle: three fresh grants, an hour to live, `door.open` and `wire.*`. */
export function bundleClaims(input: BundleInput): OfflineBundleClaims {
  const claims: Record<string, unknown> = {
    iss: OFFLINE.iss,
    sub: OFFLINE.sub,
    aud: OFFLINE.aud,
    iat: OFFLINE.now,
    exp: OFFLINE.now + 3600,
    rp: { id: OFFLINE.rpId, origins: [OFFLINE.origin] },
    grants: input.grants ?? [randomId(), randomId(), randomId()],
    types: input.types ?? ['door.open', 'wire.*'],
    creds: input.creds.map(credentialOf),
    ...input.claims,
  };
  for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
  return claims as unknown as OfflineBundleClaims;
}

/** Sign bundle claims as the service does. */
export function signBundle(
  claims: OfflineBundleClaims | Record<string, unknown>,
  signer: SigningKey,
  header: Partial<JWTHeaderParameters> = {},
): Promise<string> {
  return new SignJWT(claims as Record<string, unknown>)
    .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'psea-offline+jwt', ...header })
    .sign(signer.key);
}

export interface ProofInput {
  auth: SoftAuthenticator;
  bundle: OfflineBundleClaims;
  action: OfflineProof['action'];
  display?: unknown;
  /** Default the bundle's first grant. */
  nonce?: string;
  signedAt?: number;
  /** Statement members to replace before signing (or remove, with undefined). */
  statement?: Partial<Record<keyof OfflineStatement, unknown>>;
  origin?: string;
  rpId?: string;
  bend?: AssertionBend;
}

/** A proof as a device would hand it over: the statement signed with the soft authenticator. */
export async function makeProof(input: ProofInput): Promise<OfflineProof> {
  const built = await offlineStatement({
    bundle: input.bundle,
    nonce: input.nonce ?? input.bundle.grants[0]!,
    action: input.action,
    display: input.display,
    signedAt: input.signedAt ?? OFFLINE.now + 60,
  });
  const statement = { ...built, ...input.statement } as Record<string, unknown>;
  for (const [k, v] of Object.entries(statement)) if (v === undefined) delete statement[k];
  const challenge = await offlineChallenge(statement as unknown as OfflineStatement);
  const assertion: AuthenticationResponseJSON = await input.auth.assert(
    {
      challenge,
      rpId: input.rpId ?? input.bundle.rp.id,
      allowCredentials: [],
      userVerification: 'required',
    },
    { origin: input.origin ?? OFFLINE.origin, ...(input.bend ? { bend: input.bend } : {}) },
  );
  const proof: OfflineProof = {
    action: input.action,
    statement: statement as unknown as OfflineStatement,
    assertion,
  };
  if (input.display !== undefined) proof.display = input.display;
  return proof;
}
