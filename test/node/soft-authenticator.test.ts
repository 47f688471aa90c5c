import { describe, expect, it } from 'vitest';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import {
  decodeAttestationObject,
  isoBase64URL,
  isoCBOR,
  parseAuthenticatorData,
} from '@simplewebauthn/server/helpers';
import {
  SoftAuthenticator,
  ecdsaRawToDer,
  type AssertionBend,
  type CoseAlg,
} from '../support/soft-authenticator';

const origin = 'http://localhost:8787';
const rpID = 'localhost';

async function creationOptions(
  extra: Partial<Parameters<typeof generateRegistrationOptions>[0]> = {},
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return generateRegistrationOptions({
    rpName: 'PSEA test',
    rpID,
    userName: 'ada@example.com',
    userID: new TextEncoder().encode('u-123'),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    ...extra,
  });
}

async function requestOptions(
  auth?: SoftAuthenticator,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID,
    userVerification: 'required',
    allowCredentials: auth ? [{ id: auth.credentialId }] : [],
  });
}

async function enrolled(
  alg: CoseAlg = -7,
  opts: Parameters<typeof SoftAuthenticator.create>[0] = {},
) {
  const auth = await SoftAuthenticator.create({ alg, ...opts });
  const options = await creationOptions();
  const reg = await auth.register(options, { origin });
  const v = await verifyRegistrationResponse({
    response: reg,
    expectedChallenge: options.challenge,
    expectedOrigin: origin,
    expectedRPID: rpID,
    requireUserVerification: true,
  });
  if (!v.verified) throw new Error('registration did not verify');
  return { auth, options, reg, credential: { ...v.registrationInfo.credential } };
}

type Credential = Awaited<ReturnType<typeof enrolled>>['credential'];

async function verifyAssertion(
  auth: SoftAuthenticator,
  credential: Credential,
  bend?: AssertionBend,
) {
  const options = await requestOptions(auth);
  const resp = await auth.assert(options, { origin, bend });
  return verifyAuthenticationResponse({
    response: resp,
    expectedChallenge: options.challenge,
    expectedOrigin: origin,
    expectedRPID: rpID,
    credential,
    requireUserVerification: true,
  });
}

/** Rejected = threw, or returned verified:false. */
async function rejected(p: Promise<{ verified: boolean }>): Promise<string> {
  try {
    const r = await p;
    return r.verified ? '' : 'verified:false';
  } catch (e) {
    return `threw: ${(e as Error).message}`;
  }
}

describe.each([-7, -8, -257] as const)('alg %i', (alg) => {
  it('registers and asserts; simplewebauthn verifies both', async () => {
    const { auth, reg, credential } = await enrolled(alg);
    expect(reg.id).toBe(auth.credentialId);
    expect(reg.response.publicKeyAlgorithm).toBe(alg);
    expect(isoBase64URL.fromBuffer(credential.publicKey)).toBe(
      isoBase64URL.fromBuffer(auth.publicKeyCose),
    );
    expect(credential.counter).toBe(0);

    const first = await verifyAssertion(auth, credential);
    expect(first.verified).toBe(true);
    expect(first.authenticationInfo.newCounter).toBe(1);
    expect(first.authenticationInfo.userVerified).toBe(true);
    expect(first.authenticationInfo.credentialDeviceType).toBe('singleDevice');

    credential.counter = first.authenticationInfo.newCounter;
    const second = await verifyAssertion(auth, credential);
    expect(second.verified).toBe(true);
    expect(second.authenticationInfo.newCounter).toBe(2);
  });

  it('flipped signature fails', async () => {
    const { auth, credential } = await enrolled(alg);
    expect(await rejected(verifyAssertion(auth, credential, { signature: 'flip' }))).toBe(
      'verified:false',
    );
    expect(await rejected(verifyAssertion(auth, credential, { signature: 'zero' }))).not.toBe('');
  });

  it('packed self attestation verifies', async () => {
    const auth = await SoftAuthenticator.create({ alg });
    const options = await creationOptions({ attestationType: 'direct' });
    const reg = await auth.register(options, { origin, bend: { fmt: 'packed' } });
    const v = await verifyRegistrationResponse({
      response: reg,
      expectedChallenge: options.challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
    });
    expect(v.verified).toBe(true);
    expect(v.registrationInfo?.fmt).toBe('packed');

    const bad = await auth.register(options, {
      origin,
      bend: { fmt: 'packed', attestationSignature: 'flip' },
    });
    expect(
      await rejected(
        verifyRegistrationResponse({
          response: bad,
          expectedChallenge: options.challenge,
          expectedOrigin: origin,
          expectedRPID: rpID,
        }),
      ),
    ).toBe('verified:false');
  });
});

describe('assertion bends make verification fail', () => {
  // [name, bend, how simplewebauthn 14 rejects it]
  const cases: [string, AssertionBend, RegExp][] = [
    ['flip signature', { signature: 'flip' }, /^verified:false$/],
    ['zero signature', { signature: 'zero' }, /^verified:false$/],
    ['DER garbage signature', { signature: 'der-garbage' }, /^threw: /],
    ['raw r||s instead of DER', { signature: 'raw' }, /^threw: /],
    ['UV off', { flags: { uv: false } }, /User verification required/],
    ['UP off', { flags: { up: false } }, /User not present/],
    ['wrong origin', { origin: 'https://evil.example' }, /origin/],
    ['wrong rpId', { rpId: 'evil.example' }, /RP ID hash/],
    ['rpIdHash bytes', { rpIdHash: new Uint8Array(32) }, /RP ID hash/],
    ['wrong challenge', { challenge: 'AAAAAAAAAAAAAAAAAAAAAA' }, /challenge/],
    ['wrong type', { type: 'webauthn.create' }, /response type/],
    ['counter not increased', { counter: 5 }, /counter value 5 was lower than expected 5/],
    ['counter regressed', { counter: 0 }, /counter value 0/],
    [
      'BS without BE',
      { flags: { bs: true } },
      /Single-device credential indicated that it was backed up/,
    ],
    ['topOrigin without crossOrigin', { topOrigin: 'https://evil.example' }, /top origin/],
    ['ED flag without extension data', { flags: { ed: true } }, /^threw: /],
  ];
  it.each(cases)('%s', async (_name, bend, reason) => {
    const { auth, credential } = await enrolled(-7);
    credential.counter = 5;
    auth.counter = 5;
    expect(await rejected(verifyAssertion(auth, credential, bend))).toMatch(reason);
  });

  it('forged signature by another key fails; the real one still passes', async () => {
    const { auth, credential } = await enrolled(-7);
    const mallory = await SoftAuthenticator.create({ alg: -7 });
    expect(await rejected(verifyAssertion(auth, credential, { signWith: mallory }))).toBe(
      'verified:false',
    );
    expect((await verifyAssertion(auth, credential)).verified).toBe(true);
  });

  it('authData bent after signing is caught; bent before signing is signed over', async () => {
    const { auth, credential } = await enrolled(-7);
    const options = await requestOptions(auth);
    const resp = await auth.assert(options, {
      origin,
      bend: {
        afterSign: (r) => {
          const ad = isoBase64URL.toBuffer(r.response.authenticatorData);
          ad[36] = (ad[36] ?? 0) + 1; // counter LSB
          return {
            ...r,
            response: { ...r.response, authenticatorData: isoBase64URL.fromBuffer(ad) },
          };
        },
      },
    });
    const verify = () =>
      verifyAuthenticationResponse({
        response: resp,
        expectedChallenge: options.challenge,
        expectedOrigin: origin,
        expectedRPID: rpID,
        credential,
      });
    expect(await rejected(verify())).toBe('verified:false');

    // counter bytes set by the pre-signing bender are covered by the signature
    const resp2 = await auth.assert(options, {
      origin,
      bend: {
        authenticatorData: (b) => {
          const c = new Uint8Array(b);
          c[36] = 99;
          return c;
        },
      },
    });
    const v2 = await verifyAuthenticationResponse({
      response: resp2,
      expectedChallenge: options.challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      credential,
    });
    expect(v2.verified).toBe(true);
    expect(v2.authenticationInfo.newCounter).toBe(99);
  });

  it('quirks simplewebauthn leaves to the caller: crossOrigin true, foreign userHandle, both counters 0', async () => {
    const { auth, credential } = await enrolled(-7);
    // crossOrigin: true without topOrigin is accepted by simplewebauthn 14: the Worker must reject it itself.
    expect((await verifyAssertion(auth, credential, { crossOrigin: true })).verified).toBe(true);
    // userHandle is not compared with anything by simplewebauthn.
    expect(
      (await verifyAssertion(auth, credential, { userHandle: 'c29tZW9uZS1lbHNl' })).verified,
    ).toBe(true);
    // counterStep 0: counter stays 0 and 0 <= 0 is allowed when the stored counter is 0 too.
    const zero = await enrolled(-7, { counterStep: 0 });
    expect((await verifyAssertion(zero.auth, zero.credential)).authenticationInfo.newCounter).toBe(
      0,
    );
  });

  it('UV off passes only when UV is not required', async () => {
    const { auth, credential } = await enrolled(-7);
    const options = await requestOptions(auth);
    const resp = await auth.assert(options, { origin, bend: { flags: { uv: false } } });
    const v = await verifyAuthenticationResponse({
      response: resp,
      expectedChallenge: options.challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      credential,
      requireUserVerification: false,
    });
    expect(v.verified).toBe(true);
  });
});

describe('authenticator behaviour', () => {
  it('assertion authData is rpIdHash | flags | counter (37 bytes) and flags follow options', async () => {
    const { auth, credential } = await enrolled(-8, {
      backupEligible: true,
      backedUp: true,
      initialCounter: 41,
    });
    expect(credential.counter).toBe(41);
    const options = await requestOptions(auth);
    const resp = await auth.assert(options, { origin });
    const ad = isoBase64URL.toBuffer(resp.response.authenticatorData);
    expect(ad.length).toBe(37);
    const parsed = parseAuthenticatorData(ad);
    expect(parsed.flags).toMatchObject({
      up: true,
      uv: true,
      be: true,
      bs: true,
      at: false,
      ed: false,
    });
    expect(parsed.counter).toBe(42);
    expect(resp.response.userHandle).toBe(
      isoBase64URL.fromBuffer(new TextEncoder().encode('u-123')),
    );
    const cd = JSON.parse(isoBase64URL.toUTF8String(resp.response.clientDataJSON));
    expect(Object.keys(cd)).toEqual(['type', 'challenge', 'origin', 'crossOrigin']);
    expect(cd).toEqual({
      type: 'webauthn.get',
      challenge: options.challenge,
      origin,
      crossOrigin: false,
    });
  });

  it('extensions are appended to authData with ED set, and still verify', async () => {
    const { auth, credential } = await enrolled(-7);
    const options = await requestOptions(auth);
    const resp = await auth.assert(options, {
      origin,
      bend: { extensions: new Map([['credProtect', 2]]) },
    });
    const parsed = parseAuthenticatorData(isoBase64URL.toBuffer(resp.response.authenticatorData));
    expect(parsed.flags.ed).toBe(true);
    expect(parsed.extensionsData).toBeDefined();
    const v = await verifyAuthenticationResponse({
      response: resp,
      expectedChallenge: options.challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      credential,
    });
    expect(v.verified).toBe(true);
  });

  it('counter bend does not move the internal counter; counterStep 0 keeps 0', async () => {
    const { auth } = await enrolled(-7);
    const options = await requestOptions(auth);
    await auth.assert(options, { origin, bend: { counter: 7 } });
    expect(auth.counter).toBe(0);
    const zero = await SoftAuthenticator.create({ counterStep: 0 });
    const r = await zero.assert(options, { origin, bend: { credentialId: zero.credentialId } });
    expect(
      parseAuthenticatorData(isoBase64URL.toBuffer(r.response.authenticatorData)).counter,
    ).toBe(0);
  });

  it('concurrent assertions get distinct counters', async () => {
    const { auth } = await enrolled(-7);
    const options = await requestOptions(auth);
    const resps = await Promise.all(
      Array.from({ length: 5 }, () => auth.assert(options, { origin })),
    );
    const counters = resps.map(
      (r) => parseAuthenticatorData(isoBase64URL.toBuffer(r.response.authenticatorData)).counter,
    );
    expect(new Set(counters).size).toBe(5);
  });

  it('registration authData carries aaguid, credential id and COSE key; BS without BE is representable', async () => {
    const auth = await SoftAuthenticator.create({
      aaguid: 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4',
      backedUp: true,
    });
    const options = await creationOptions();
    const reg = await auth.register(options, { origin });
    const att = decodeAttestationObject(isoBase64URL.toBuffer(reg.response.attestationObject));
    expect(att.get('fmt')).toBe('none');
    const parsed = parseAuthenticatorData(att.get('authData'));
    expect(parsed.flags).toMatchObject({
      up: true,
      uv: true,
      be: false,
      bs: true,
      at: true,
      ed: false,
    });
    expect(isoBase64URL.fromBuffer(parsed.credentialID!)).toBe(auth.credentialId);
    expect(reg.response.authenticatorData).toBe(isoBase64URL.fromBuffer(att.get('authData')));
    expect(reg.clientExtensionResults).toEqual({ credProps: { rk: true } });
    expect(
      await rejected(
        verifyRegistrationResponse({
          response: reg,
          expectedChallenge: options.challenge,
          expectedOrigin: origin,
          expectedRPID: rpID,
        }),
      ),
    ).toMatch(/Single-device credential indicated that it was backed up/);
    const cose = isoCBOR.decodeFirst<Map<number, unknown>>(parsed.credentialPublicKey!);
    expect(cose.get(1)).toBe(2);
    expect(cose.get(3)).toBe(-7);
  });

  it('trailing bytes are present after the CBOR attestation object', async () => {
    const auth = await SoftAuthenticator.create();
    const options = await creationOptions();
    const trailing = new Uint8Array([0xde, 0xad, 0xbe, 0xef]);
    const plain = await auth.register(options, { origin });
    const bent = await auth.register(options, { origin, bend: { trailingBytes: trailing } });
    const a = isoBase64URL.toBuffer(plain.response.attestationObject);
    const b = isoBase64URL.toBuffer(bent.response.attestationObject);
    expect(b.length).toBe(a.length + 4);
    expect(Array.from(b.slice(-4))).toEqual(Array.from(trailing));
    // simplewebauthn decodes only the first CBOR item: trailing bytes alone do not fail verification.
    const v = await verifyRegistrationResponse({
      response: bent,
      expectedChallenge: options.challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
    });
    expect(v.verified).toBe(true);
  });

  it('registration bends: alg not offered, text alg, challenge, origin, rpId, UV', async () => {
    const auth = await SoftAuthenticator.create({ alg: -8 });
    const onlyEs256 = await creationOptions({ supportedAlgorithmIDs: [-7] });
    await expect(auth.register(onlyEs256, { origin })).rejects.toThrow(/NotSupportedError/);
    const options = await creationOptions();
    const verify = (response: Awaited<ReturnType<SoftAuthenticator['register']>>) =>
      verifyRegistrationResponse({
        response,
        expectedChallenge: options.challenge,
        expectedOrigin: origin,
        expectedRPID: rpID,
        requireUserVerification: true,
      });
    const claimed = await auth.register(options, { origin, bend: { alg: -36 } });
    expect(await rejected(verify(claimed))).toMatch(/Unexpected public key alg "-36"/);
    expect(
      await rejected(
        verify(await auth.register(options, { origin, bend: { badCoseKey: 'text-alg' } })),
      ),
    ).toMatch(/numeric alg/);
    expect(
      await rejected(verify(await auth.register(options, { origin, bend: { challenge: 'AAAA' } }))),
    ).toMatch(/challenge/);
    expect(
      await rejected(
        verify(await auth.register(options, { origin, bend: { origin: 'https://evil.example' } })),
      ),
    ).toMatch(/origin/);
    expect(
      await rejected(
        verify(await auth.register(options, { origin, bend: { rpId: 'evil.example' } })),
      ),
    ).toMatch(/RP ID/i);
    expect(
      await rejected(
        verify(await auth.register(options, { origin, bend: { flags: { uv: false } } })),
      ),
    ).toMatch(/verification/);
    expect(
      await rejected(
        verify(await auth.register(options, { origin, bend: { type: 'webauthn.get' } })),
      ),
    ).toMatch(/type/);
  });

  it('text kty COSE key: simplewebauthn accepts the registration, but the key never verifies', async () => {
    const auth = await SoftAuthenticator.create({ alg: -7 });
    const options = await creationOptions();
    const reg = await auth.register(options, { origin, bend: { badCoseKey: true } });
    const v = await verifyRegistrationResponse({
      response: reg,
      expectedChallenge: options.challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
    });
    expect(v.verified).toBe(true);
    const credential = { ...v.registrationInfo!.credential };
    expect(await rejected(verifyAssertion(auth, credential))).toMatch(/threw/);
  });

  it('real-authenticator checks: excludeCredentials and allowCredentials', async () => {
    const { auth } = await enrolled(-7);
    const excl = await creationOptions({ excludeCredentials: [{ id: auth.credentialId }] });
    await expect(auth.register(excl, { origin })).rejects.toThrow(/InvalidStateError/);
    const other = await SoftAuthenticator.create();
    const options = await requestOptions(other);
    await expect(auth.assert(options, { origin })).rejects.toThrow(/NotAllowedError/);
    const claimed = await auth.assert(options, {
      origin,
      bend: { credentialId: other.credentialId, userHandle: null },
    });
    expect(claimed.id).toBe(other.credentialId);
    expect(claimed.response.userHandle).toBeUndefined();
  });

  it('DER encoding of raw ECDSA signatures is minimal', () => {
    const r = new Uint8Array(32).fill(0);
    r[31] = 0x7f;
    const s = new Uint8Array(32).fill(0xff);
    const der = ecdsaRawToDer(new Uint8Array([...r, ...s]));
    expect(Array.from(der.slice(0, 5))).toEqual([0x30, 3 + 35, 0x02, 0x01, 0x7f]);
    expect(Array.from(der.slice(5, 8))).toEqual([0x02, 33, 0x00]);
    expect(der.length).toBe(2 + 3 + 35);
  });
});
