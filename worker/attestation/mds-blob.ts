/**
 * Verify a FIDO Metadata Service (MDS3) BLOB and keep what PSEA needs.
 * The BLOB is a JWT whose header carries the signing certificate chain;
 * it is trusted only if that chain reaches the MDS root and the signature
 * verifies under the leaf. Used by `npm run mds:import` (scripts/mds-import.mjs),
 * never at run time: the Worker bundles the compact result.
 */
import { isoBase64URL, verifySignature } from '@simplewebauthn/server/helpers';
import * as z from 'zod';
import { chainReachesAnchor } from '../../packages/psea/src/evidence/attestation/chain-to-anchor';
import { FIDO_MDS_ROOT_PEM } from './mds-root';
import type { MetadataFile } from './types';

/** @public scripts/mds-import.mjs bundles this module and reads it (knip cannot see that import). */
export { REFUSED_STATUSES } from './types';

/** JWS algorithms MDS BLOBs are signed with, as COSE algorithm ids for the library. */
const JWS_ALGS = { RS256: -257, ES256: -7 } as const;

const HeaderSchema = z.object({
  alg: z.enum(Object.keys(JWS_ALGS) as [keyof typeof JWS_ALGS]),
  x5c: z.array(z.string().min(1)).min(1),
});

const PayloadSchema = z.object({
  legalHeader: z.string().optional(),
  no: z.number().int().nonnegative(),
  nextUpdate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'not YYYY-MM-DD'),
  entries: z.array(
    z.object({
      aaguid: z.string().optional(),
      metadataStatement: z
        .object({
          description: z.string().optional(),
          attestationRootCertificates: z.array(z.string()).optional(),
        })
        .optional(),
      statusReports: z.array(z.object({ status: z.string() })).default([]),
    }),
  ),
});

/** The parts of a BLOB payload PSEA reads. */
export type MdsPayload = z.infer<typeof PayloadSchema>;

export interface BlobOptions {
  /** Roots the BLOB's chain must reach (PEM); default the FIDO MDS root. */
  roots?: readonly string[];
  /** The time `nextUpdate` is compared with; default now. */
  now?: Date;
  /** Accept a BLOB whose `nextUpdate` has passed (its statuses may be out of date). */
  allowStale?: boolean;
}

/** JWS ES256 signatures are r‖s; the library's verifier takes DER. */
function rawEcdsaToDer(raw: Uint8Array): Uint8Array<ArrayBuffer> {
  const int = (half: Uint8Array) => {
    let i = 0;
    while (i < half.length - 1 && half[i] === 0) i++;
    const v = half.slice(i);
    return v[0]! & 0x80 ? [0x02, v.length + 1, 0, ...v] : [0x02, v.length, ...v];
  };
  const body = [...int(raw.slice(0, raw.length / 2)), ...int(raw.slice(raw.length / 2))];
  return new Uint8Array([0x30, body.length, ...body]);
}

function part<T>(schema: z.ZodType<T>, b64url: string, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(isoBase64URL.toUTF8String(b64url));
  } catch {
    throw new Error(`BLOB ${what} is not base64url JSON`);
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(
      `BLOB ${what}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return result.data;
}

/**
 * Verify a BLOB's chain and signature, then parse its payload.
 * @throws Error naming what failed: chain, signature, payload shape or staleness.
 * @example const payload = await verifyMetadataBlob(await readFile('blob.jwt', 'utf8'));
 */
export async function verifyMetadataBlob(
  jwt: string,
  options: BlobOptions = {},
): Promise<MdsPayload> {
  const parts = jwt.trim().split('.');
  if (parts.length !== 3 || parts.some((p) => !isoBase64URL.isBase64URL(p)))
    throw new Error('BLOB is not a compact JWS');
  const [h, p, s] = parts as [string, string, string];
  const header = part(HeaderSchema, h, 'header');
  let chain: Uint8Array<ArrayBuffer>[];
  try {
    chain = header.x5c.map((c) => isoBase64URL.toBuffer(c, 'base64'));
  } catch {
    throw new Error('BLOB header x5c is not base64');
  }
  // Trust the signing certificate only through a chain to the MDS root.
  if (!(await chainReachesAnchor(chain, options.roots ?? [FIDO_MDS_ROOT_PEM]))) {
    throw new Error('BLOB certificate chain does not reach the MDS root');
  }
  // Verify the signature over header.payload with the leaf's key.
  const raw = isoBase64URL.toBuffer(s);
  const alg = JWS_ALGS[header.alg];
  let valid = false;
  try {
    valid = await verifySignature({
      signature: alg === -7 ? rawEcdsaToDer(raw) : raw,
      data: new Uint8Array(new TextEncoder().encode(`${h}.${p}`)),
      x509Certificate: chain[0]!,
      hashAlgorithm: alg,
    });
  } catch {
    valid = false;
  }
  if (!valid) throw new Error('BLOB signature does not verify');
  const payload = part(PayloadSchema, p, 'payload');
  // Refuse stale data unless told otherwise: statuses (compromises) may be missing.
  const now = options.now ?? new Date();
  if (!options.allowStale && new Date(`${payload.nextUpdate}T23:59:59Z`) < now) {
    throw new Error(
      `BLOB is stale: nextUpdate ${payload.nextUpdate} has passed (download a new one)`,
    );
  }
  return payload;
}

/**
 * The compact file the Worker bundles: per AAGUID the model's name, its
 * status history and its attestation roots. Entries without an AAGUID
 * (UAF, and U2F key identifiers) are left out: PSEA requires user
 * verification, which U2F authenticators cannot give.
 */
export function compactMetadata(
  payload: MdsPayload,
  importedAt: Date,
  source = 'FIDO Alliance Metadata Service (MDS3)',
): MetadataFile {
  const entries: MetadataFile['entries'] = {};
  for (const e of payload.entries) {
    const aaguid = e.aaguid?.toLowerCase();
    if (!aaguid || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(aaguid))
      continue;
    entries[aaguid] = {
      name: e.metadataStatement?.description ?? null,
      statuses: e.statusReports.map((r) => r.status),
      roots: e.metadataStatement?.attestationRootCertificates ?? [],
    };
  }
  return {
    source,
    no: payload.no,
    nextUpdate: payload.nextUpdate,
    importedAt: importedAt.toISOString(),
    entries,
  };
}
