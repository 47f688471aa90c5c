/**
 * Attestation assessment: which chains count as attested, and what is refused
 * whatever the chain (compromised models, revoked certificates, SHA-1).
 * Registrations come from the soft authenticator, turned into packed full
 * attestation by a throwaway CA, and go through the service's own
 * verifyRegistration() and assessAttestation().
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { assessAttestation } from '../../worker/attestation/assess-attestation';
import { certificateFingerprint } from '../../packages/psea/src/internal/certificates';
import { REFUSED_STATUSES, type MetadataEntry, type Trust } from '../../worker/attestation/types';
import { ProblemError } from '../../worker/errors';
import { refuseDuplicableTpmKey } from '../../worker/webauthn/refuse-duplicable-tpm-key';
import { refuseWeakAttestation } from '../../worker/webauthn/refuse-weak-attestation';
import { verifyRegistration } from '../../worker/webauthn/verify-registration';
import { isoBase64URL, isoCBOR } from '@simplewebauthn/server/helpers';
import { SoftAuthenticator, b64url, sha256 } from '../support/soft-authenticator';
import { attestationRefusal } from '../support/attestation-refusal';
import { TestCert, packedFullAttestation } from '../support/test-ca';

const RP = 'localhost';
const ORIGIN = 'http://localhost:8787';
const AAGUID = '2fc0579f-8113-47ea-b116-bb5a8db9202a';
const LEAF = { C: 'SE', O: 'PSEA tests', OU: 'Authenticator Attestation', CN: 'Test Key' };

function trust(
  over: {
    anchors?: Trust['anchors'];
    revoked?: string[];
    entries?: Record<string, MetadataEntry>;
  } = {},
): Trust {
  return {
    anchors: over.anchors ?? {},
    revoked: new Set(over.revoked ?? []),
    metadata: { no: 1, nextUpdate: null, entries: new Map(Object.entries(over.entries ?? {})) },
  };
}

/** Register a soft authenticator; with a chain, as packed full attestation signed by its leaf. */
async function register(chain?: TestCert[], fmt: 'none' | 'packed' = 'none') {
  const auth = await SoftAuthenticator.create({ aaguid: AAGUID });
  const challenge = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const options = {
    rp: { id: RP, name: 'PSEA' },
    user: {
      id: b64url(crypto.getRandomValues(new Uint8Array(16))),
      name: 'ada',
      displayName: 'Ada',
    },
    challenge,
    pubKeyCredParams: [{ type: 'public-key' as const, alg: -7 }],
  };
  let response = await auth.register(options, { origin: ORIGIN, bend: { fmt } });
  if (chain) response = await packedFullAttestation(response, chain);
  return verifyRegistration(response, {
    challenge,
    rpId: RP,
    rpIdHash: await sha256(RP),
    allowedOrigins: new Set([ORIGIN]),
  });
}

async function rejection(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ProblemError))
    throw new Error(`expected a ProblemError, got ${String(err)}`);
  return err.code;
}

let root: TestCert;
let leaf: TestCert;

beforeEach(async () => {
  // No CRL downloads: the library would treat a failed download as "not revoked" anyway.
  vi.stubGlobal('fetch', () => Promise.reject(new Error('network disabled in tests')));
  root = await TestCert.root('PSEA Test Attestation Root');
  leaf = await root.issue({ ...LEAF, aaguid: AAGUID });
});
afterEach(() => vi.unstubAllGlobals());

describe('packed full attestation (the library checks no chain for packed)', () => {
  it('is attested when the chain reaches a configured root', async () => {
    const reg = await register([leaf]);
    expect(reg.fmt).toBe('packed');
    expect(await assessAttestation(reg, trust({ anchors: { packed: [root.pem] } }))).toEqual({
      attested: true,
      name: null,
    });
  });

  it('a configured root attests only a leaf that names its model: without the AAGUID extension, any AAGUID could be claimed', async () => {
    const vendorLeaf = await root.issue(LEAF); // no id-fido-gen-ce-aaguid
    const reg = await register([vendorLeaf]);
    expect(await assessAttestation(reg, trust({ anchors: { packed: [root.pem] } }))).toEqual({
      attested: false,
      name: null,
    });
    // The model's own metadata roots bind the AAGUID, extension or not.
    const rootB64 = b64url(root.der).replace(/-/g, '+').replace(/_/g, '/');
    const entries = {
      [AAGUID]: { name: 'PSEA Test Key', statuses: ['FIDO_CERTIFIED_L1'], roots: [rootB64] },
    };
    expect((await assessAttestation(reg, trust({ entries }))).attested).toBe(true);
  });

  it('a metadata root listed for several models attests a packed leaf only when it names its model (§8.2.1)', async () => {
    const rootB64 = b64url(root.der).replace(/-/g, '+').replace(/_/g, '/');
    const entries = {
      [AAGUID]: { name: 'PSEA Test Key', statuses: ['FIDO_CERTIFIED_L1'], roots: [rootB64] },
      'c0ffee00-0000-4000-8000-000000000001': {
        name: 'PSEA Other Key',
        statuses: ['FIDO_CERTIFIED_L1'],
        roots: [rootB64],
      },
    };
    const vendorLeaf = await root.issue(LEAF); // no id-fido-gen-ce-aaguid
    expect(
      (await assessAttestation(await register([vendorLeaf]), trust({ entries }))).attested,
    ).toBe(false);
    expect((await assessAttestation(await register([leaf]), trust({ entries }))).attested).toBe(
      true,
    );
  });

  it('is NOT attested without a root: the signature verifies, but nobody vouches for the signer', async () => {
    const reg = await register([leaf]);
    expect(await assessAttestation(reg, trust())).toEqual({ attested: false, name: null });
  });

  it('is not attested when the chain leads to another root', async () => {
    const other = await TestCert.root('Somebody Else');
    const reg = await register([leaf]);
    expect(
      (await assessAttestation(reg, trust({ anchors: { packed: [other.pem] } }))).attested,
    ).toBe(false);
  });

  it('follows intermediates, and a root sent inside x5c still has to be a configured one', async () => {
    const ca = await root.issue({ C: 'AA', O: 'PSEA tests', CN: 'Intermediate', ca: true });
    const signer = await ca.issue({ ...LEAF, aaguid: AAGUID });
    const reg = await register([signer, ca, root]);
    expect(
      (await assessAttestation(reg, trust({ anchors: { packed: [root.pem] } }))).attested,
    ).toBe(true);
    const other = await TestCert.root('Somebody Else');
    expect(
      (await assessAttestation(reg, trust({ anchors: { packed: [other.pem] } }))).attested,
    ).toBe(false);
  });

  it('refuses an "intermediate" that is not a CA: the library path builder would accept it as issuer', async () => {
    const notCa = await root.issue({ C: 'AA', O: 'PSEA tests', CN: 'Leaf posing as CA' });
    const signer = await notCa.issue({ ...LEAF, aaguid: AAGUID });
    const reg = await register([signer, notCa]);
    expect(
      (await assessAttestation(reg, trust({ anchors: { packed: [root.pem] } }))).attested,
    ).toBe(false);
  });

  it('is not attested through an expired root', async () => {
    const old = await TestCert.root('Expired Root', {
      notBefore: new Date('2000-01-01'),
      notAfter: new Date('2001-01-01'),
    });
    const signer = await old.issue({ ...LEAF, aaguid: AAGUID });
    const reg = await register([signer]);
    expect((await assessAttestation(reg, trust({ anchors: { packed: [old.pem] } }))).attested).toBe(
      false,
    );
  });

  it('self attestation and none are never attested', async () => {
    for (const fmt of ['packed', 'none'] as const) {
      const reg = await register(undefined, fmt);
      expect(reg.fmt).toBe(fmt);
      expect(
        (await assessAttestation(reg, trust({ anchors: { packed: [root.pem] } }))).attested,
      ).toBe(false);
    }
  });
});

describe('FIDO metadata', () => {
  const entry = (over: Partial<MetadataEntry> = {}): MetadataEntry => ({
    name: 'PSEA Test Key',
    statuses: ['FIDO_CERTIFIED_L1'],
    roots: [],
    ...over,
  });

  it('names the model, and its attestation roots make the chain attested', async () => {
    const reg = await register([leaf]);
    const rootB64 = b64url(root.der).replace(/-/g, '+').replace(/_/g, '/');
    expect(
      await assessAttestation(reg, trust({ entries: { [AAGUID]: entry({ roots: [rootB64] }) } })),
    ).toEqual({
      attested: true,
      name: 'PSEA Test Key',
    });
  });

  it('names an unattested model too (the receipt says attested: false beside it)', async () => {
    const reg = await register();
    expect(await assessAttestation(reg, trust({ entries: { [AAGUID]: entry() } }))).toEqual({
      attested: false,
      name: 'PSEA Test Key',
    });
  });

  it.each([...REFUSED_STATUSES])(
    'refuses a model whose status reports include %s, attested or not',
    async (status) => {
      const reg = await register([leaf]);
      const t = trust({
        anchors: { packed: [root.pem] },
        entries: { [AAGUID]: entry({ statuses: ['FIDO_CERTIFIED_L1', status] }) },
      });
      expect(await rejection(assessAttestation(reg, t))).toBe('attestation_rejected');
    },
  );

  it('does not refuse for statuses that are not a compromise', async () => {
    const reg = await register();
    const t = trust({
      entries: {
        [AAGUID]: entry({
          statuses: ['NOT_FIDO_CERTIFIED', 'UPDATE_AVAILABLE', 'SELF_ASSERTION_SUBMITTED'],
        }),
      },
    });
    expect((await assessAttestation(reg, t)).name).toBe('PSEA Test Key');
  });
});

describe('local revocation list (the library fails open when CRLs are unreachable)', () => {
  it('refuses a chain containing a listed certificate, leaf or intermediate', async () => {
    const ca = await root.issue({ C: 'AA', O: 'PSEA tests', CN: 'Intermediate', ca: true });
    const signer = await ca.issue({ ...LEAF, aaguid: AAGUID });
    const reg = await register([signer, ca]);
    const anchors = { packed: [root.pem] };
    expect((await assessAttestation(reg, trust({ anchors }))).attested).toBe(true);
    for (const listed of [signer, ca]) {
      expect(
        await rejection(
          assessAttestation(
            reg,
            trust({ anchors, revoked: [await certificateFingerprint(listed.der)] }),
          ),
        ),
      ).toBe('attestation_rejected');
    }
  });
});

describe('SHA-1', () => {
  it('refuses an RS1 (-65535) attestation signature before the library verifies it', () => {
    expect(() => refuseWeakAttestation(new Map<string, unknown>([['alg', -65535]]))).toThrow(
      ProblemError,
    );
    expect(() => refuseWeakAttestation(new Map<string, unknown>([['alg', -7]]))).not.toThrow();
  });

  it('refuses it through verifyRegistration', async () => {
    await expect(register([leaf]).then(() => 'ok')).resolves.toBe('ok');
    const auth = await SoftAuthenticator.create({ aaguid: AAGUID });
    const challenge = b64url(crypto.getRandomValues(new Uint8Array(32)));
    const options = {
      rp: { id: RP, name: 'PSEA' },
      user: { id: 'AAAA', name: 'a', displayName: 'A' },
      challenge,
      pubKeyCredParams: [{ type: 'public-key' as const, alg: -7 }],
    };
    const response = await packedFullAttestation(
      await auth.register(options, { origin: ORIGIN }),
      [leaf],
      -65535,
    );
    const code = await rejection(
      verifyRegistration(response, {
        challenge,
        rpId: RP,
        rpIdHash: await sha256(RP),
        allowedOrigins: new Set([ORIGIN]),
      }),
    );
    expect(code).toBe('attestation_rejected');
  });
});

/** A soft registration, its attestation object rewritten (fmt and statement). */
async function rewritten(
  fmt: string,
  attStmt: (authData: Uint8Array) => Map<string, unknown>,
  chain?: TestCert[],
  alg?: number,
) {
  const auth = await SoftAuthenticator.create({ aaguid: AAGUID });
  const challenge = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const options = {
    rp: { id: RP, name: 'PSEA' },
    user: { id: 'AAAA', name: 'a', displayName: 'A' },
    challenge,
    pubKeyCredParams: [{ type: 'public-key' as const, alg: -7 }],
  };
  let response = await auth.register(options, { origin: ORIGIN });
  if (chain) response = await packedFullAttestation(response, chain, alg);
  else {
    const obj = isoCBOR.decodeFirst<Map<string, unknown>>(
      isoBase64URL.toBuffer(response.response.attestationObject),
    );
    const authData = obj.get('authData') as Uint8Array;
    const encoded = isoCBOR.encode(
      new Map<string, any>([
        ['fmt', fmt],
        ['attStmt', attStmt(authData)],
        ['authData', authData],
      ]),
    );
    response = {
      ...response,
      response: { ...response.response, attestationObject: isoBase64URL.fromBuffer(encoded) },
    };
  }
  return verifyRegistration(response, {
    challenge,
    rpId: RP,
    rpIdHash: await sha256(RP),
    allowedOrigins: new Set([ORIGIN]),
  });
}

describe("packed statements: alg must be the signer's (WebAuthn §8.2; the library does not check)", () => {
  it("refuses a full attestation naming an alg its leaf's key cannot make (RS256 for an EC leaf)", async () => {
    expect(await attestationRefusal(rewritten('packed', () => new Map(), [leaf], -7))).toBe('ok');
    expect(await attestationRefusal(rewritten('packed', () => new Map(), [leaf], -257))).toMatch(
      /alg is not one/,
    );
    expect(await attestationRefusal(rewritten('packed', () => new Map(), [leaf], -8))).toMatch(
      /alg is not one/,
    );
  });
});

describe('tpm: the key must be generated in and fixed to the TPM (objectAttributes; the library reads none)', () => {
  const pubArea = (attributes: number) => {
    const p = new Uint8Array(16);
    new DataView(p.buffer).setUint16(0, 0x0023); // TPM_ALG_ECC
    new DataView(p.buffer).setUint16(2, 0x000b); // TPM_ALG_SHA256
    new DataView(p.buffer).setUint32(4, attributes);
    return p;
  };
  const tpm = (p: Uint8Array | undefined) =>
    new Map<string, unknown>([
      ['ver', '2.0'],
      ['alg', -7],
      ...(p ? [['pubArea', p] as [string, unknown]] : []),
    ]);

  it('passes the attributes real Windows Hello keys carry, refuses a key missing fixedTPM, fixedParent or sensitiveDataOrigin', () => {
    for (const ok of [0x40072, 0x60472])
      expect(() => refuseDuplicableTpmKey('tpm', tpm(pubArea(ok)))).not.toThrow();
    for (const bad of [0x40000, 0x40070, 0x40062, 0x40052]) {
      expect(() => refuseDuplicableTpmKey('tpm', tpm(pubArea(bad))), bad.toString(16)).toThrow(
        /not generated in and fixed to the TPM/,
      );
    }
    expect(() => refuseDuplicableTpmKey('tpm', tpm(undefined))).toThrow(/no readable pubArea/);
    expect(() => refuseDuplicableTpmKey('tpm', tpm(new Uint8Array(7)))).toThrow(
      /no readable pubArea/,
    );
    expect(() => refuseDuplicableTpmKey('packed', tpm(pubArea(0)))).not.toThrow();
  });

  it('refuses through verifyRegistration, before the library', async () => {
    expect(await attestationRefusal(rewritten('tpm', () => tpm(pubArea(0x40000))))).toMatch(
      /not generated in and fixed to the TPM/,
    );
    // Bound attributes pass this check; the made-up statement then fails the library's own.
    expect(await attestationRefusal(rewritten('tpm', () => tpm(pubArea(0x40072))))).toBe(
      'attestation did not verify',
    );
  });
});

describe('configured roots: which chains may skip naming their model', () => {
  it('only fido-u2f, which claims no model; a packed leaf claiming the zero AAGUID must still name it', async () => {
    const vendorLeaf = await root.issue(LEAF); // no id-fido-gen-ce-aaguid
    const zero = '00000000-0000-0000-0000-000000000000';
    const statement = new Map<string, unknown>([['x5c', [vendorLeaf.der]]]);
    expect(
      (
        await assessAttestation(
          { fmt: 'packed', aaguid: zero, attStmt: statement },
          trust({ anchors: { packed: [root.pem] } }),
        )
      ).attested,
    ).toBe(false);
    expect(
      (
        await assessAttestation(
          { fmt: 'fido-u2f', aaguid: zero, attStmt: statement },
          trust({ anchors: { 'fido-u2f': [root.pem] } }),
        )
      ).attested,
    ).toBe(true);
  });

  it('an attestation certificate configured as a root itself attests only while it is valid', async () => {
    const lone = await TestCert.root('Lone U2F Key');
    const expired = await TestCert.root('Expired U2F Key', {
      notBefore: new Date('2000-01-01'),
      notAfter: new Date('2001-01-01'),
    });
    const zero = '00000000-0000-0000-0000-000000000000';
    const assess = (c: TestCert) =>
      assessAttestation(
        { fmt: 'fido-u2f', aaguid: zero, attStmt: new Map([['x5c', [c.der]]]) },
        trust({ anchors: { 'fido-u2f': [c.pem] } }),
      );
    expect((await assess(lone)).attested).toBe(true);
    expect((await assess(expired)).attested).toBe(false);
  });
});
