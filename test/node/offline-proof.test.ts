/**
 * SPEC.md v2 "Offline approvals": verifyOfflineProof on a field device with
 * no network. Attack-first: every way a proof could be replayed, redirected
 * to another user, party or action, forged or bent is refused with its code,
 * and a refused proof never uses up its grant.
 */
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  OfflineProofError,
  verifyOfflineProof,
  type OfflineBundleClaims,
  type OfflineProof,
  type OfflineProofErrorCode,
  type SeenNonces,
  type VerifyOfflineProofOptions,
} from '../../packages/psea/src/offline/index.ts';
import { hashAction, type SigningKeySet } from '../../packages/psea/src/receipt/index.ts';
import { randomId } from '../../worker/lib/random-id.ts';
import { signReceipt } from '../../worker/receipts/sign-receipt.ts';
import {
  OFFLINE,
  bundleClaims,
  makeProof,
  offlineKeys,
  signBundle,
  type ProofInput,
} from '../support/offline-proofs';
import { SoftAuthenticator } from '../support/soft-authenticator';

const DOOR = { type: 'door.open', door: '7' };
const WIRE = { type: 'wire.transfer', amount: '1250.00', currency: 'EUR', to: 'DE89…' };
const DISPLAY = { title: 'Open door 7', fields: [{ label: 'Door', value: '7' }] };
/** Milliseconds: ten minutes into the bundle's hour. */
const NOW = (OFFLINE.now + 600) * 1000;

let keys: SigningKeySet;
let otherKeys: SigningKeySet;
let es: SoftAuthenticator;
let ed: SoftAuthenticator;
let rs: SoftAuthenticator;
let synced: SoftAuthenticator;
let stranger: SoftAuthenticator;

beforeAll(async () => {
  [keys, otherKeys] = await Promise.all([offlineKeys('ES256'), offlineKeys('ES256')]);
  [es, ed, rs, synced, stranger] = await Promise.all([
    SoftAuthenticator.create({ alg: -7 }),
    SoftAuthenticator.create({ alg: -8 }),
    SoftAuthenticator.create({ alg: -257 }),
    SoftAuthenticator.create({ alg: -7, backupEligible: true, backedUp: true }),
    SoftAuthenticator.create({ alg: -7 }),
  ]);
});

/** A fresh bundle for the user's four credentials, its claims and its JWT. */
async function grant(
  claims: Record<string, unknown> = {},
  types?: string[],
): Promise<{ claims: OfflineBundleClaims; jwt: string }> {
  const c = bundleClaims({ creds: [es, ed, rs, synced], claims, ...(types ? { types } : {}) });
  return { claims: c, jwt: await signBundle(c, keys.signer) };
}

function proof(
  bundle: OfflineBundleClaims,
  extra: Partial<ProofInput> = {},
): Promise<OfflineProof> {
  return makeProof({ auth: es, bundle, action: DOOR, ...extra });
}

function options(
  jwt: string,
  extra: Partial<VerifyOfflineProofOptions> = {},
): VerifyOfflineProofOptions {
  return {
    bundle: jwt,
    jwks: keys.jwks,
    subject: OFFLINE.sub,
    audience: OFFLINE.aud,
    action: DOOR,
    now: NOW,
    seen: new Set<string>(),
    ...extra,
  };
}

async function code(
  p: unknown,
  opts: VerifyOfflineProofOptions,
): Promise<OfflineProofErrorCode | 'ok'> {
  return verifyOfflineProof(p, opts).then(
    () => 'ok' as const,
    (e: unknown) => {
      expect(e).toBeInstanceOf(OfflineProofError);
      return (e as OfflineProofError).code;
    },
  );
}

describe('a valid proof', () => {
  it('is accepted, and returns the statement, the credential and the claimed signing time', async () => {
    const { claims, jwt } = await grant();
    const p = await proof(claims, { display: DISPLAY, signedAt: OFFLINE.now + 42 });
    const seen = new Set<string>();
    const result = await verifyOfflineProof(p, options(jwt, { seen }));
    expect(result.statement).toEqual(p.statement);
    expect(result.statement.dsp).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(result.statement.act).toBe(await hashAction(DOOR));
    expect(result.credential).toEqual({
      id: es.credentialId,
      publicKey: expect.any(String),
      alg: -7,
      deviceBound: true,
    });
    expect(result.signedAt).toBe(OFFLINE.now + 42);
    expect([...seen]).toEqual([claims.grants[0]]);
  });

  it.each([
    ['ES256', () => es, -7],
    ['EdDSA', () => ed, -8],
    ['RS256', () => rs, -257],
  ] as const)('with an %s credential, with and without a display', async (_name, auth, alg) => {
    const { claims, jwt } = await grant();
    const seen = new Set<string>();
    const withDisplay = await proof(claims, {
      auth: auth(),
      display: DISPLAY,
      nonce: claims.grants[0],
    });
    const without = await proof(claims, { auth: auth(), nonce: claims.grants[1] });
    expect(without.statement.dsp).toBeUndefined();
    expect((await verifyOfflineProof(withDisplay, options(jwt, { seen }))).credential.alg).toBe(
      alg,
    );
    expect((await verifyOfflineProof(without, options(jwt, { seen }))).credential.alg).toBe(alg);
    expect(seen.size).toBe(2);
  });

  it('from a synced passkey the bundle lists as such (BE set, deviceBound false)', async () => {
    const { claims, jwt } = await grant();
    const result = await verifyOfflineProof(await proof(claims, { auth: synced }), options(jwt));
    expect(result.credential.deviceBound).toBe(false);
  });

  it('for a type a prefix.* pattern covers', async () => {
    const { claims, jwt } = await grant();
    expect(await code(await proof(claims, { action: WIRE }), options(jwt, { action: WIRE }))).toBe(
      'ok',
    );
  });

  it('in a bundle signed with EdDSA', async () => {
    const edKeys = await offlineKeys('EdDSA');
    const claims = bundleClaims({ creds: [es] });
    const jwt = await signBundle(claims, edKeys.signer);
    expect(await code(await proof(claims), options(jwt, { jwks: edKeys.jwks }))).toBe('ok');
  });

  it('with an asynchronous store', async () => {
    const { claims, jwt } = await grant();
    const stored = new Set<string>();
    const seen: SeenNonces = {
      has: async (n) => stored.has(n),
      add: async (n) => void stored.add(n),
    };
    expect(await code(await proof(claims), options(jwt, { seen }))).toBe('ok');
    expect(stored.has(claims.grants[0]!)).toBe(true);
  });
});

describe('single use', () => {
  it('a replay of an accepted proof: ticket_used', async () => {
    const { claims, jwt } = await grant();
    const p = await proof(claims);
    const seen = new Set<string>();
    expect(await code(p, options(jwt, { seen }))).toBe('ok');
    expect(await code(p, options(jwt, { seen }))).toBe('ticket_used');
  });

  it('another proof on a used grant, for another action: ticket_used', async () => {
    const { claims, jwt } = await grant();
    const seen = new Set<string>();
    expect(await code(await proof(claims), options(jwt, { seen }))).toBe('ok');
    expect(
      await code(await proof(claims, { action: WIRE }), options(jwt, { seen, action: WIRE })),
    ).toBe('ticket_used');
  });

  it('of two concurrent verifications of one proof, one is accepted and the other gets ticket_used', async () => {
    const { claims, jwt } = await grant();
    const p = await proof(claims);
    const stored = new Set<string>();
    // A store that answers later, as IndexedDB does: without the per-store queue both would pass has().
    const later = <T>(v: T) => new Promise<T>((r) => setTimeout(() => r(v), 5));
    const seen: SeenNonces = {
      has: (n) => later(stored.has(n)),
      add: async (n) => {
        await later(0);
        stored.add(n);
      },
    };
    const codes = await Promise.all([
      code(p, options(jwt, { seen })),
      code(p, options(jwt, { seen })),
    ]);
    expect(codes.sort()).toEqual(['ok', 'ticket_used']);
  });

  it('a refused proof does not use up its grant: the genuine one after it is accepted', async () => {
    const { claims, jwt } = await grant();
    const seen = new Set<string>();
    const failures: [Partial<ProofInput>, OfflineProofErrorCode][] = [
      [{ bend: { flags: { uv: false } } }, 'user_verification_required'],
      [{ bend: { signature: 'flip' } }, 'signature_invalid'],
      [{ origin: 'https://evil.example' }, 'origin_mismatch'],
      [{ auth: stranger }, 'credential_unknown'],
    ];
    for (const [bend, expected] of failures) {
      expect(await code(await proof(claims, bend), options(jwt, { seen }))).toBe(expected);
    }
    expect(seen.size).toBe(0);
    expect(await code(await proof(claims), options(jwt, { seen }))).toBe('ok');
  });

  it("a proof refused for the caller's action does not use up the grant either", async () => {
    const { claims, jwt } = await grant();
    const seen = new Set<string>();
    const p = await proof(claims);
    expect(await code(p, options(jwt, { seen, action: { type: 'door.open', door: '8' } }))).toBe(
      'action_mismatch',
    );
    expect(await code(p, options(jwt, { seen }))).toBe('ok');
  });
});

describe('the bundle', () => {
  it('past its exp: ticket_expired', async () => {
    const { claims, jwt } = await grant();
    expect(await code(await proof(claims), options(jwt, { now: (claims.exp + 1) * 1000 }))).toBe(
      'ticket_expired',
    );
    expect(
      await code(await proof(claims), options(jwt, { now: new Date(claims.exp * 1000 - 1000) })),
    ).toBe('ok');
  });

  it('signed by another key: bundle_invalid, even when expired', async () => {
    const claims = bundleClaims({ creds: [es] });
    const p = await proof(claims);
    const foreign = await signBundle(claims, otherKeys.signer);
    // The same kid with another key: the signature, not the kid lookup, refuses it.
    const sameKid = await signBundle(claims, { ...otherKeys.signer, kid: keys.signer.kid });
    expect(await code(p, options(foreign))).toBe('bundle_invalid');
    expect(await code(p, options(sameKid))).toBe('bundle_invalid');
    expect(await code(p, options(sameKid, { now: (claims.exp + 1) * 1000 }))).toBe(
      'bundle_invalid',
    );
  });

  it('a receipt from the same key in place of a bundle (typ confusion): bundle_invalid', async () => {
    const { claims } = await grant();
    const receipt = await signReceipt(
      {
        iss: OFFLINE.iss,
        sub: OFFLINE.sub,
        aud: OFFLINE.aud,
        iat: OFFLINE.now,
        exp: OFFLINE.now + 3600,
        jti: randomId(),
        act: await hashAction(DOOR),
        act_type: DOOR.type,
        nonce: claims.grants[0]!,
        uv: true,
        cred: { id: es.credentialId, aaguid: es.aaguid, device_bound: true, backed_up: false },
      },
      keys.signer,
    );
    expect(await code(await proof(claims), options(receipt))).toBe('bundle_invalid');
    // Every bundle claim, but the receipt's typ: still no bundle.
    const asReceipt = await signBundle(claims, keys.signer, { typ: 'psea-receipt+jwt' });
    const untyped = await signBundle(claims, keys.signer, { typ: undefined });
    expect(await code(await proof(claims), options(asReceipt))).toBe('bundle_invalid');
    expect(await code(await proof(claims), options(untyped))).toBe('bundle_invalid');
  });

  it('HS256 keyed with the public key, or alg none: bundle_invalid', async () => {
    const { claims } = await grant();
    const pub = keys.jwks.keys[0]!;
    const hs = await new SignJWT(claims as unknown as Record<string, unknown>)
      .setProtectedHeader({ alg: 'HS256', kid: pub.kid, typ: 'psea-offline+jwt' })
      .sign(new TextEncoder().encode(JSON.stringify(pub)));
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const none = `${enc({ alg: 'none', kid: pub.kid, typ: 'psea-offline+jwt' })}.${enc(claims)}.`;
    expect(await code(await proof(claims), options(hs))).toBe('bundle_invalid');
    expect(await code(await proof(claims), options(none))).toBe('bundle_invalid');
  });

  it.each([
    ['grants as a string (every substring would pass includes)', { grants: 'x'.repeat(40) }],
    ['no grants', { grants: [] }],
    ['a short grant nonce', { grants: ['abc'] }],
    ['types with a bare *', { types: ['*'] }],
    ['types with a * inside', { types: ['wire*'] }],
    ['no creds', { creds: undefined }],
    ['a credential without deviceBound', { creds: [{ id: 'AAAA', publicKey: 'AAAA', alg: -7 }] }],
    [
      'a credential of an alg never offered',
      { creds: [{ id: 'AAAA', publicKey: 'AAAA', alg: -36, deviceBound: true }] },
    ],
    ['aud as an array', { aud: [OFFLINE.aud, 'door-8'] }],
    ['no rp', { rp: undefined }],
    ['rp without origins', { rp: { id: OFFLINE.rpId, origins: [] } }],
    ['no iss', { iss: undefined }],
  ])('with %s: bundle_invalid', async (_name, bent) => {
    const claims = bundleClaims({ creds: [es] });
    const p = await proof(claims);
    const jwt = await signBundle({ ...claims, ...bent }, keys.signer);
    expect(await code(p, options(jwt))).toBe('bundle_invalid');
  });

  it('listing a credential whose COSE key is not the one that signs, or is garbage', async () => {
    const claims = bundleClaims({ creds: [es] });
    const p = await proof(claims);
    const wrongAlg = await signBundle(
      { ...claims, creds: [{ ...claims.creds[0]!, alg: -8 }] },
      keys.signer,
    );
    const garbage = await signBundle(
      { ...claims, creds: [{ ...claims.creds[0]!, publicKey: 'AAAA' }] },
      keys.signer,
    );
    expect(await code(p, options(wrongAlg))).toBe('bundle_invalid');
    expect(await code(p, options(garbage))).toBe('bundle_invalid');
  });
});

describe('whose grant', () => {
  it("another user's bundle and proof, checked for this subject: subject_mismatch", async () => {
    const { claims, jwt } = await grant({ sub: 'u-bob' });
    expect(await code(await proof(claims), options(jwt))).toBe('subject_mismatch');
  });

  it("another user's proof against this user's bundle: ticket_not_found (not one of this user's grants)", async () => {
    const alice = await grant();
    const bob = await grant({ sub: 'u-bob' });
    expect(await code(await proof(bob.claims), options(alice.jwt))).toBe('ticket_not_found');
  });

  it("a statement naming another user on this user's grant: subject_mismatch", async () => {
    const { claims, jwt } = await grant();
    expect(await code(await proof(claims, { statement: { sub: 'u-bob' } }), options(jwt))).toBe(
      'subject_mismatch',
    );
  });

  it('checked for another party: audience_mismatch', async () => {
    const { claims, jwt } = await grant();
    expect(await code(await proof(claims), options(jwt, { audience: 'door-8' }))).toBe(
      'audience_mismatch',
    );
    const door8 = await grant({ aud: 'door-8' });
    expect(await code(await proof(door8.claims), options(door8.jwt))).toBe('audience_mismatch');
  });

  it("a statement naming another party on this party's grant: audience_mismatch", async () => {
    const { claims, jwt } = await grant();
    expect(await code(await proof(claims, { statement: { aud: 'door-8' } }), options(jwt))).toBe(
      'audience_mismatch',
    );
  });

  it("a nonce that is not one of the bundle's grants: ticket_not_found", async () => {
    const { claims, jwt } = await grant();
    expect(await code(await proof(claims, { nonce: randomId() }), options(jwt))).toBe(
      'ticket_not_found',
    );
  });

  it("a type outside the grant's types: policy_unmet", async () => {
    const { claims, jwt } = await grant();
    for (const action of [
      { type: 'safe.open' },
      { type: 'wire' },
      { type: 'wirex.pay' },
      { type: 'door.open.all' },
    ]) {
      expect(await code(await proof(claims, { action }), options(jwt, { action }))).toBe(
        'policy_unmet',
      );
    }
  });
});

describe('what was signed', () => {
  it("a tampered action: challenge_mismatch; the caller's action not the proof's: action_mismatch", async () => {
    const { claims, jwt } = await grant();
    const p = await proof(claims, { action: WIRE });
    const tampered = { ...WIRE, to: 'GB00 attacker' };
    expect(await code({ ...p, action: tampered }, options(jwt, { action: tampered }))).toBe(
      'challenge_mismatch',
    );
    expect(await code(p, options(jwt, { action: tampered }))).toBe('action_mismatch');
    // Tampering the statement to match moves the challenge: the passkey did not sign that one.
    const act = await hashAction(tampered);
    expect(
      await code(
        { ...p, action: tampered, statement: { ...p.statement, act } },
        options(jwt, { action: tampered }),
      ),
    ).toBe('challenge_mismatch');
  });

  it('a tampered, dropped or added display: challenge_mismatch', async () => {
    const { claims, jwt } = await grant();
    const shown = await proof(claims, { display: DISPLAY });
    const { display: _d, ...dropped } = shown;
    const plain = await proof(claims);
    expect(
      await code({ ...shown, display: { ...DISPLAY, title: 'Open door 8' } }, options(jwt)),
    ).toBe('challenge_mismatch');
    expect(await code(dropped, options(jwt))).toBe('challenge_mismatch');
    expect(await code({ ...plain, display: DISPLAY }, options(jwt))).toBe('challenge_mismatch');
  });

  it('a statement of another issuer, or not in offline mode: challenge_mismatch', async () => {
    const { claims, jwt } = await grant();
    expect(
      await code(await proof(claims, { statement: { iss: 'https://evil.example' } }), options(jwt)),
    ).toBe('challenge_mismatch');
    expect(await code(await proof(claims, { statement: { mode: 'online' } }), options(jwt))).toBe(
      'challenge_mismatch',
    );
  });

  it('signed_at changed after signing: challenge_mismatch (it is signed, though only claimed)', async () => {
    const { claims, jwt } = await grant();
    const p = await proof(claims);
    expect(
      await code(
        { ...p, statement: { ...p.statement, signed_at: p.statement.signed_at + 3600 } },
        options(jwt),
      ),
    ).toBe('challenge_mismatch');
  });
});

describe('the WebAuthn checks', () => {
  const cases: [string, OfflineProofErrorCode, () => Partial<ProofInput>][] = [
    ['another origin', 'origin_mismatch', () => ({ origin: 'https://evil.example' })],
    ['a cross-origin iframe', 'origin_mismatch', () => ({ bend: { crossOrigin: true } })],
    ['another RP ID', 'rp_id_mismatch', () => ({ bend: { rpId: 'evil.example' } })],
    ['UV clear', 'user_verification_required', () => ({ bend: { flags: { uv: false } } })],
    ['UP clear', 'user_presence_required', () => ({ bend: { flags: { up: false } } })],
    ['BS without BE', 'flags_invalid', () => ({ bend: { flags: { bs: true } } })],
    [
      'BE set on a credential enrolled device-bound',
      'flags_invalid',
      () => ({ bend: { flags: { be: true } } }),
    ],
    ['a flipped signature', 'signature_invalid', () => ({ bend: { signature: 'flip' } })],
    [
      'a raw (non-DER) ECDSA signature',
      'signature_invalid',
      () => ({ bend: { signature: 'raw' } }),
    ],
    ['a credential the bundle does not list', 'credential_unknown', () => ({ auth: stranger })],
    [
      'a listed credential id, signed with another key',
      'signature_invalid',
      () => ({ bend: { signWith: stranger } }),
    ],
    [
      'id and rawId that differ',
      'credential_unknown',
      () => ({ bend: { afterSign: (r) => ({ ...r, rawId: ed.credentialId }) } }),
    ],
    ['a create() answer', 'challenge_mismatch', () => ({ bend: { type: 'webauthn.create' } })],
    ['another challenge', 'challenge_mismatch', () => ({ bend: { challenge: 'A'.repeat(43) } })],
  ];
  it.each(cases)('%s: %s', async (_name, expected, extra) => {
    const { claims, jwt } = await grant();
    expect(await code(await proof(claims, extra()), options(jwt))).toBe(expected);
  });

  it('a userHandle is not looked at: it is not signed, and the bundle binds the credential', async () => {
    const { claims, jwt } = await grant();
    expect(
      await code(await proof(claims, { bend: { userHandle: 'c29tZW9uZS1lbHNl' } }), options(jwt)),
    ).toBe('ok');
  });

  it('the counter is neither checked nor needed: a zero counter passes', async () => {
    const { claims, jwt } = await grant();
    const seen = new Set<string>();
    expect(
      await code(
        await proof(claims, { bend: { counter: 0 }, nonce: claims.grants[0] }),
        options(jwt, { seen }),
      ),
    ).toBe('ok');
    expect(
      await code(
        await proof(claims, { bend: { counter: 0 }, nonce: claims.grants[1] }),
        options(jwt, { seen }),
      ),
    ).toBe('ok');
  });
});

describe('malformed proofs: invalid_request', () => {
  it.each([
    ['not an object', () => 'proof'],
    ['null', () => null],
    ['no assertion', (p: OfflineProof) => ({ ...p, assertion: undefined })],
    ['an unknown member', (p: OfflineProof) => ({ ...p, extra: 1 })],
    ['an action without a type', (p: OfflineProof) => ({ ...p, action: { door: '7' } })],
    ['a display that is not an object', (p: OfflineProof) => ({ ...p, display: 'Open door 7' })],
    [
      'a statement member nobody knows',
      (p: OfflineProof) => ({ ...p, statement: { ...p.statement, admin: true } }),
    ],
    [
      'signed_at as a string',
      (p: OfflineProof) => ({ ...p, statement: { ...p.statement, signed_at: '1800000060' } }),
    ],
    ['statement v 2', (p: OfflineProof) => ({ ...p, statement: { ...p.statement, v: 2 } })],
    [
      'clientDataJSON that is not base64url',
      (p: OfflineProof) => ({
        ...p,
        assertion: { ...p.assertion, response: { ...p.assertion.response, clientDataJSON: '***' } },
      }),
    ],
    [
      'authenticatorData that is too short',
      (p: OfflineProof) => ({
        ...p,
        assertion: {
          ...p.assertion,
          response: { ...p.assertion.response, authenticatorData: 'AAAA' },
        },
      }),
    ],
  ])('%s', async (_name, bend) => {
    const { claims, jwt } = await grant();
    const seen = new Set<string>();
    expect(await code(bend(await proof(claims)), options(jwt, { seen }))).toBe('invalid_request');
    expect(seen.size).toBe(0);
  });
});

describe('options: invalid_options, before the bundle or the proof is looked at', () => {
  it.each([
    ['no options', () => undefined],
    ['no bundle', (o: VerifyOfflineProofOptions) => ({ ...o, bundle: undefined })],
    ['an empty bundle', (o: VerifyOfflineProofOptions) => ({ ...o, bundle: '' })],
    ['no jwks', (o: VerifyOfflineProofOptions) => ({ ...o, jwks: undefined })],
    [
      'a jwks that is no JWK Set',
      (o: VerifyOfflineProofOptions) => ({ ...o, jwks: { keys: 'none' } }),
    ],
    ['no subject', (o: VerifyOfflineProofOptions) => ({ ...o, subject: undefined })],
    ['an empty subject', (o: VerifyOfflineProofOptions) => ({ ...o, subject: '' })],
    ['no audience', (o: VerifyOfflineProofOptions) => ({ ...o, audience: undefined })],
    ['no action', (o: VerifyOfflineProofOptions) => ({ ...o, action: undefined })],
    [
      'an action without a type',
      (o: VerifyOfflineProofOptions) => ({ ...o, action: { door: '7' } }),
    ],
    [
      'an action with no JSON form',
      (o: VerifyOfflineProofOptions) => ({ ...o, action: { type: 'door.open', n: Number.NaN } }),
    ],
    ['no seen', (o: VerifyOfflineProofOptions) => ({ ...o, seen: undefined })],
    [
      'a seen without add',
      (o: VerifyOfflineProofOptions) => ({ ...o, seen: { has: () => false } }),
    ],
    ['a bad now', (o: VerifyOfflineProofOptions) => ({ ...o, now: 'yesterday' })],
    [
      'an unknown option (a typo)',
      (o: VerifyOfflineProofOptions) => ({ ...o, subjet: OFFLINE.sub }),
    ],
  ])('%s', async (_name, bend) => {
    const bad = bend(options('not.a.jwt')) as unknown as VerifyOfflineProofOptions;
    expect(await code('garbage', bad)).toBe('invalid_options');
  });
});
