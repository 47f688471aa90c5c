/**
 * FIDO Metadata Service BLOBs: verified before a byte is trusted (chain to
 * the MDS root, signature by the chain's leaf, fresh enough), compacted to
 * what the Worker bundles, and used: names, roots, refused models. The BLOBs
 * here are synthetic, signed under a root the test generates; the real FIDO
 * root is the default and refuses them.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { assessAttestation } from '../../worker/attestation/assess-attestation';
import { compactMetadata, verifyMetadataBlob } from '../../worker/attestation/mds-blob';
import { bundledMetadata, parseMetadata, refusedModels } from '../../worker/attestation/metadata';
import type { Trust } from '../../worker/attestation/types';
import { ProblemError } from '../../worker/errors';
import { verifyRegistration } from '../../worker/webauthn/verify-registration';
import { SoftAuthenticator, b64url, sha256 } from '../support/soft-authenticator';
import { TestCert, packedFullAttestation, signJws } from '../support/test-ca';

const GOOD = '2fc0579f-8113-47ea-b116-bb5a8db9202a';
const BYPASSED = '00000000-0000-4000-8000-0000000000b1';
const LEAF = { C: 'SE', O: 'PSEA tests', OU: 'Authenticator Attestation', CN: 'Test Key' };
const base64 = (der: Uint8Array) => isoBase64URL.fromBuffer(new Uint8Array(der), 'base64');
const day = (offset: number) =>
  new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

let mdsRoot: TestCert;
let mdsSigner: TestCert;
let vendorRoot: TestCert;

function payload(over: Record<string, unknown> = {}) {
  return {
    legalHeader: 'test',
    no: 42,
    nextUpdate: day(30),
    entries: [
      {
        aaguid: GOOD.toUpperCase(),
        metadataStatement: {
          description: 'PSEA Test Key',
          attestationRootCertificates: [base64(vendorRoot.der)],
        },
        statusReports: [{ status: 'FIDO_CERTIFIED_L1', effectiveDate: '2024-01-01' }],
        timeOfLastStatusChange: '2024-01-01',
      },
      {
        aaguid: BYPASSED,
        metadataStatement: { description: 'Leaky Key', attestationRootCertificates: [] },
        statusReports: [{ status: 'FIDO_CERTIFIED' }, { status: 'USER_VERIFICATION_BYPASS' }],
        timeOfLastStatusChange: '2024-02-01',
      },
      { aaid: '4e4e#4005', statusReports: [], timeOfLastStatusChange: '2020-01-01' },
    ],
    ...over,
  };
}

async function blob(
  body: unknown = payload(),
  signer = mdsSigner,
  chain: TestCert[] = [mdsSigner],
): Promise<string> {
  return signJws(
    { typ: 'JWT', x5c: chain.map((c) => base64(c.der)) },
    body,
    signer.keys.privateKey,
  );
}

async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  return err instanceof Error ? err.message : `no error (${String(err)})`;
}

beforeAll(async () => {
  mdsRoot = await TestCert.root('Test MDS Root');
  mdsSigner = await mdsRoot.issue({ C: 'US', O: 'Test Metadata Service', CN: 'mds.test' });
  vendorRoot = await TestCert.root('Test Vendor Root');
});
beforeEach(() => vi.stubGlobal('fetch', () => Promise.reject(new Error('network disabled'))));
afterEach(() => vi.unstubAllGlobals());

describe('verifyMetadataBlob', () => {
  it('accepts a BLOB whose chain reaches the root and whose signature verifies', async () => {
    const p = await verifyMetadataBlob(await blob(), { roots: [mdsRoot.pem] });
    expect(p.no).toBe(42);
    expect(p.entries).toHaveLength(3);
  });

  it('refuses it under the shipped FIDO MDS root: a test root is not FIDO', async () => {
    expect(await refusal(verifyMetadataBlob(await blob()))).toMatch(/does not reach the MDS root/);
  });

  it('refuses a changed payload', async () => {
    const [h, , s] = (await blob()).split('.');
    const forged = isoBase64URL.fromBuffer(
      new Uint8Array(new TextEncoder().encode(JSON.stringify(payload({ no: 43 })))),
    );
    expect(
      await refusal(verifyMetadataBlob(`${h}.${forged}.${s}`, { roots: [mdsRoot.pem] })),
    ).toMatch(/signature does not verify/);
  });

  it('refuses a BLOB signed by a key other than the chain leaf', async () => {
    const other = await mdsRoot.issue({ C: 'US', O: 'Someone', CN: 'other' });
    expect(
      await refusal(
        verifyMetadataBlob(await blob(payload(), other, [mdsSigner]), { roots: [mdsRoot.pem] }),
      ),
    ).toMatch(/signature/);
  });

  it('refuses a chain to another root, and a chain through a non-CA', async () => {
    const elsewhere = await TestCert.root('Elsewhere');
    expect(await refusal(verifyMetadataBlob(await blob(), { roots: [elsewhere.pem] }))).toMatch(
      /does not reach/,
    );
    const notCa = await mdsRoot.issue({ C: 'US', O: 'Not a CA', CN: 'leafy' });
    const signer = await notCa.issue({ C: 'US', O: 'Test Metadata Service', CN: 'mds.test' });
    expect(
      await refusal(
        verifyMetadataBlob(await blob(payload(), signer, [signer, notCa]), {
          roots: [mdsRoot.pem],
        }),
      ),
    ).toMatch(/does not reach/);
  });

  it('refuses a stale BLOB unless told to accept it', async () => {
    const stale = await blob(payload({ nextUpdate: day(-2) }));
    expect(await refusal(verifyMetadataBlob(stale, { roots: [mdsRoot.pem] }))).toMatch(/stale/);
    await expect(
      verifyMetadataBlob(stale, { roots: [mdsRoot.pem], allowStale: true }),
    ).resolves.toMatchObject({ no: 42 });
  });

  it.each([
    ['not a JWS', 'hello'],
    [
      'an unsigned JWS',
      `${isoBase64URL.fromBuffer(new Uint8Array(new TextEncoder().encode('{"alg":"none","x5c":["AA"]}')))}.e30.`,
    ],
  ])('refuses %s', async (_what, jwt) => {
    expect(await refusal(verifyMetadataBlob(jwt, { roots: [mdsRoot.pem] }))).toMatch(/BLOB/);
  });
});

describe('the compact metadata the Worker bundles', () => {
  it('keeps names, statuses and roots by lowercase AAGUID, and drops entries without one', async () => {
    const file = compactMetadata(
      await verifyMetadataBlob(await blob(), { roots: [mdsRoot.pem] }),
      new Date('2026-01-01T00:00:00Z'),
    );
    expect(file).toEqual({
      source: 'FIDO Alliance Metadata Service (MDS3)',
      no: 42,
      nextUpdate: day(30),
      importedAt: '2026-01-01T00:00:00.000Z',
      entries: {
        [GOOD]: {
          name: 'PSEA Test Key',
          statuses: ['FIDO_CERTIFIED_L1'],
          roots: [base64(vendorRoot.der)],
        },
        [BYPASSED]: {
          name: 'Leaky Key',
          statuses: ['FIDO_CERTIFIED', 'USER_VERIFICATION_BYPASS'],
          roots: [],
        },
      },
    });
    expect(refusedModels(parseMetadata(JSON.parse(JSON.stringify(file))))).toEqual([BYPASSED]);
  });

  it('the shipped file is empty and valid', () => {
    const m = bundledMetadata();
    expect(m.entries.size).toBe(0);
    expect(m.no).toBe(0);
  });

  it('refuses a malformed file', () => {
    expect(() => parseMetadata({ no: 1 })).toThrow();
    const file = {
      source: null,
      no: 1,
      nextUpdate: null,
      importedAt: null,
      entries: { YUBIKEY: { name: 'x', statuses: [], roots: [] } },
    };
    expect(() => parseMetadata(file)).toThrow(/entries\.YUBIKEY/);
  });

  it('drives enrollment: the vendor root from metadata attests, a bypassed model is refused', async () => {
    const file = compactMetadata(
      await verifyMetadataBlob(await blob(), { roots: [mdsRoot.pem] }),
      new Date(),
    );
    const trust: Trust = { anchors: {}, revoked: new Set(), metadata: parseMetadata(file) };
    const register = async (aaguid: string) => {
      const auth = await SoftAuthenticator.create({ aaguid });
      const challenge = b64url(crypto.getRandomValues(new Uint8Array(32)));
      const options = {
        rp: { id: 'localhost', name: 'PSEA' },
        user: { id: 'AAAA', name: 'a', displayName: 'A' },
        challenge,
        pubKeyCredParams: [{ type: 'public-key' as const, alg: -7 }],
      };
      const leaf = await vendorRoot.issue({ ...LEAF, aaguid });
      const response = await packedFullAttestation(
        await auth.register(options, { origin: 'http://localhost:8787' }),
        [leaf],
      );
      return verifyRegistration(response, {
        challenge,
        rpId: 'localhost',
        rpIdHash: await sha256('localhost'),
        allowedOrigins: new Set(['http://localhost:8787']),
      });
    };
    expect(await assessAttestation(await register(GOOD), trust)).toEqual({
      attested: true,
      name: 'PSEA Test Key',
    });
    const err = await assessAttestation(await register(BYPASSED), trust).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProblemError);
    expect((err as ProblemError).code).toBe('attestation_rejected');
  });
});
