/**
 * Android statements: WebAuthn §8.4.1's origin and purpose checks, which the
 * library leaves out, and which app made the statement (only Google Play
 * services' count as attested). A hand-made leaf cannot be made to chain to
 * Google's roots here, so these tests call the assessment the vault runs
 * after the library's chain check (assessAttestation) on hand-made
 * statements, and show that the real ones of the fixture file pass it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AttestationApplicationId,
  AttestationPackageInfo,
  AuthorizationList,
  id_ce_keyDescription,
  IntegerSet,
  KeyDescription,
  SecurityLevel,
} from '@peculiar/asn1-android';
import { AsnParser, AsnSerializer, OctetString } from '@peculiar/asn1-schema';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import fixtureFile from '../fixtures/webauthn-real/webauthn-real.json';
import { assessAttestation } from '../../worker/attestation/assess-attestation';
import { attestationChain } from '../../packages/psea/src/evidence/attestation/attestation-chain';
import { certificateExtension } from '../../packages/psea/src/internal/certificates';
import type { Trust } from '../../worker/attestation/types';
import { decodeAttestationObject } from '../../packages/psea/src/webauthn/attestation-object';
import { attestationRefusal } from '../support/attestation-refusal';
import { TestCert } from '../support/test-ca';

const KM_ORIGIN_GENERATED = 0;
const KM_ORIGIN_IMPORTED = 2;
const KM_PURPOSE_SIGN = 2;
const KM_PURPOSE_VERIFY = 3;
const TRUST: Trust = {
  anchors: {},
  revoked: new Set(),
  metadata: { no: 1, nextUpdate: null, entries: new Map() },
};
const AAGUID = '00000000-0000-0000-0000-000000000000';

const PLAY_SERVICES = 'com.google.android.gms';
const PLAY_SIGNER = 'f0fd6c5b410f25cb25c3b53346c8972fae30f8ee7411df910480ad6b2d60db83';
const OTHER_SIGNER = '5ad05ec221c8f83a226127dec557500c3e574bc60125a9dc21cb0be4a0066095';
const fromHex = (h: string) => new Uint8Array(h.match(/../g)!.map((b) => parseInt(b, 16)));

/** Keystore's attestationApplicationId: the app's packages and signing certificates. */
function appId(packages: string[], signer: string): OctetString {
  const app = new AttestationApplicationId({
    // The schema says OctetString; the serializer wants the bytes (as the parser hands them back).
    packageInfos: packages.map(
      (name) =>
        new AttestationPackageInfo({
          packageName: new TextEncoder().encode(name).buffer as unknown as OctetString,
          version: 1,
        }),
    ),
    signatureDigests: [fromHex(signer).buffer as unknown as OctetString],
  });
  return new OctetString(AsnSerializer.serialize(app));
}
const PLAY_APP = appId(['com.google.android.gsf', PLAY_SERVICES], PLAY_SIGNER);

interface Lists {
  level?: SecurityLevel;
  tee?: Partial<AuthorizationList>;
  software?: Partial<AuthorizationList>;
}

/** A KeyDescription as Keystore writes one, generated in the TEE for signing unless told otherwise. */
function keyDescription({
  level = SecurityLevel.trustedEnvironment,
  tee,
  software = { attestationApplicationId: PLAY_APP },
}: Lists = {}): Uint8Array {
  const kd = new KeyDescription({
    attestationVersion: 4,
    attestationSecurityLevel: level,
    keymasterVersion: 4,
    keymasterSecurityLevel: level,
    attestationChallenge: new OctetString(new Uint8Array(32)),
    uniqueId: new OctetString(new Uint8Array(0)),
    softwareEnforced: new AuthorizationList(software),
    teeEnforced: new AuthorizationList(
      tee ?? { purpose: new IntegerSet([KM_PURPOSE_SIGN]), origin: KM_ORIGIN_GENERATED },
    ),
  });
  return new Uint8Array(AsnSerializer.serialize(kd));
}

let root: TestCert;
beforeEach(async () => {
  vi.stubGlobal('fetch', () => Promise.reject(new Error('network disabled in tests')));
  root = await TestCert.root('PSEA Test Android Root');
});
afterEach(() => vi.unstubAllGlobals());

async function leafWith(value?: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const leaf = await root.issue({
    CN: 'Android Keystore Key',
    extensions: value ? [{ id: id_ce_keyDescription, value }] : [],
  });
  return leaf.der;
}

/** The vault's assessment of an android-key statement whose chain the library has verified. */
function assess(chain: Uint8Array<ArrayBuffer>[]) {
  return assessAttestation(
    { fmt: 'android-key', aaguid: AAGUID, attStmt: new Map([['x5c', chain]]) },
    TRUST,
  );
}

/** The same for a SafetyNet statement: its JWS names the app (the signature is the library's to check). */
async function assessSafetyNet(apkPackageName: string, signer: string) {
  const b64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));
  const part = (v: unknown) => isoBase64URL.fromUTF8String(JSON.stringify(v));
  const leaf = await root.issue({ CN: 'attest.android.com' });
  const jws = `${part({ alg: 'RS256', x5c: [b64(leaf.der)] })}.${part({ apkPackageName, apkCertificateDigestSha256: [b64(fromHex(signer))], ctsProfileMatch: true })}.c2ln`;
  return assessAttestation(
    {
      fmt: 'android-safetynet',
      aaguid: AAGUID,
      attStmt: new Map([['response', new TextEncoder().encode(jws)]]),
    },
    TRUST,
  );
}

describe('android-key: the TEE must vouch for a key generated inside it, for signing', () => {
  it('accepts a key generated in the TEE (or StrongBox) for signing', async () => {
    expect(await assess([await leafWith(keyDescription())])).toEqual({
      attested: true,
      name: null,
    });
    expect(
      await assess([await leafWith(keyDescription({ level: SecurityLevel.strongBox }))]),
    ).toEqual({ attested: true, name: null });
  });

  it('refuses a key imported into Keystore: it existed outside the device', async () => {
    const imported = keyDescription({
      tee: { purpose: new IntegerSet([KM_PURPOSE_SIGN]), origin: KM_ORIGIN_IMPORTED },
    });
    expect(await attestationRefusal(assess([await leafWith(imported)]))).toMatch(/not generated/);
  });

  it("refuses origin and purpose that only Android's software vouches for", async () => {
    const softwareOnly = keyDescription({
      tee: {},
      software: { purpose: new IntegerSet([KM_PURPOSE_SIGN]), origin: KM_ORIGIN_GENERATED },
    });
    expect(await attestationRefusal(assess([await leafWith(softwareOnly)]))).toMatch(
      /not generated/,
    );
  });

  it('refuses a key whose purpose is not signing, or not stated', async () => {
    const verifyOnly = keyDescription({
      tee: { purpose: new IntegerSet([KM_PURPOSE_VERIFY]), origin: KM_ORIGIN_GENERATED },
    });
    expect(await attestationRefusal(assess([await leafWith(verifyOnly)]))).toMatch(/purpose/);
    const noPurpose = keyDescription({ tee: { origin: KM_ORIGIN_GENERATED } });
    expect(await attestationRefusal(assess([await leafWith(noPurpose)]))).toMatch(/purpose/);
  });

  it('refuses an attestation made by software, whatever its lists say', async () => {
    expect(
      await attestationRefusal(
        assess([await leafWith(keyDescription({ level: SecurityLevel.software }))]),
      ),
    ).toMatch(/software/);
  });

  it('fails closed without a readable KeyDescription', async () => {
    expect(await attestationRefusal(assess([await leafWith()]))).toMatch(/KeyDescription/);
    expect(
      await attestationRefusal(assess([await leafWith(new Uint8Array([0x30, 0x03, 0x02, 0x01]))])),
    ).toMatch(/KeyDescription/);
    expect(await attestationRefusal(assess([]))).toMatch(/KeyDescription/);
  });

  it('calls a key attested only when Google Play services made it: another app writes any AAGUID and flags it likes', async () => {
    const madeBy = (attestationApplicationId?: OctetString) =>
      keyDescription({ software: attestationApplicationId ? { attestationApplicationId } : {} });
    expect((await assess([await leafWith(madeBy(PLAY_APP))])).attested).toBe(true);
    // Enrolled all the same, as `none` would be: the key is real, the model and flags are the app's word.
    expect(await assess([await leafWith(madeBy(appId(['com.evil.app'], OTHER_SIGNER)))])).toEqual({
      attested: false,
      name: null,
    });
    expect(
      (await assess([await leafWith(madeBy(appId([PLAY_SERVICES], OTHER_SIGNER)))])).attested,
    ).toBe(false);
    expect(
      (await assess([await leafWith(madeBy(appId(['com.evil.app'], PLAY_SIGNER)))])).attested,
    ).toBe(false);
    expect((await assess([await leafWith(madeBy())])).attested).toBe(false);
  });

  it('android-safetynet: attested only when the JWS names Google Play services', async () => {
    expect(await assessSafetyNet(PLAY_SERVICES, PLAY_SIGNER)).toEqual({
      attested: true,
      name: null,
    });
    expect((await assessSafetyNet('com.evil.app', OTHER_SIGNER)).attested).toBe(false);
    expect((await assessSafetyNet(PLAY_SERVICES, OTHER_SIGNER)).attested).toBe(false);
  });

  it('passes both real hardware leaves of the fixture file, which say generated, sign, TEE', async () => {
    const entries = (
      fixtureFile as unknown as {
        entries: { id: string; response: { response: { attestationObject: string } } }[];
      }
    ).entries;
    for (const id of ['swa-reg-android-key-pixel-8a', 'swa-reg-android-key-galaxy-s9plus']) {
      const e = entries.find((x) => x.id === id)!;
      const chain = attestationChain(
        'android-key',
        decodeAttestationObject(e.response.response.attestationObject).attStmt,
      );
      const kd = AsnParser.parse(
        certificateExtension(chain[0]!, id_ce_keyDescription)!,
        KeyDescription,
      );
      expect(
        [kd.attestationSecurityLevel, kd.teeEnforced.origin, [...kd.teeEnforced.purpose!]],
        id,
      ).toEqual([SecurityLevel.trustedEnvironment, KM_ORIGIN_GENERATED, [KM_PURPOSE_SIGN]]);
      expect((await assess(chain)).attested, id).toBe(true);
    }
  });
});
