/**
 * A throwaway certificate authority for tests: P-256 roots, intermediates and
 * leaves built with WebCrypto and a few lines of DER, so attestation chains
 * and MDS BLOB signatures can be exercised without a real vendor's keys.
 * Runs in workerd and Node alike; nothing here is meant to be secure.
 *
 * ```ts
 * const root = await TestCert.root('PSEA Test Root');
 * const leaf = await root.issue({ CN: 'Test Key', O: 'PSEA', OU: 'Authenticator Attestation', C: 'SE' });
 * const response = await packedFullAttestation(softResponse, [leaf]);
 * ```
 */
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { convertCertBufferToPEM, isoBase64URL, isoCBOR } from '@simplewebauthn/server/helpers';
import {
  type Bytes,
  type CborValue,
  bytes,
  concat,
  ecdsaRawToDer,
  sha256,
  utf8,
  uuidToBytes,
} from './soft-authenticator/crypto';

// ---- DER, just enough for certificates ----

function len(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v >>= 8) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}
const tlv = (tag: number, body: Uint8Array): Bytes =>
  concat(bytes([tag, ...len(body.length)]), body);
const seq = (...items: Uint8Array[]) => tlv(0x30, concat(...items));
const set = (...items: Uint8Array[]) => tlv(0x31, concat(...items));
const octets = (b: Uint8Array) => tlv(0x04, b);
const bits = (b: Uint8Array) => tlv(0x03, concat(bytes([0]), b));
const bool = (v: boolean) => tlv(0x01, bytes([v ? 0xff : 0]));
const explicit = (n: number, body: Uint8Array) => tlv(0xa0 + n, body);

function int(value: number): Bytes {
  const out: number[] = [];
  for (let v = value; v > 0; v = Math.floor(v / 256)) out.unshift(v % 256);
  // Positive integers: a leading 0 keeps the high bit from reading as a sign.
  return tlv(0x02, bytes(out.length === 0 || out[0]! & 0x80 ? [0, ...out] : out));
}

function oid(dotted: string): Bytes {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [a! * 40 + b!];
  for (const n of rest) {
    const chunk: number[] = [];
    for (let v = n; ; v = Math.floor(v / 128)) {
      chunk.unshift((v % 128) | (chunk.length ? 0x80 : 0));
      if (v < 128) break;
    }
    out.push(...chunk);
  }
  return tlv(0x06, bytes(out));
}

function time(d: Date): Bytes {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  // UTCTime until 2049, GeneralizedTime after (RFC 5280 §4.1.2.5).
  return d.getUTCFullYear() < 2050 ? tlv(0x17, utf8(iso.slice(2))) : tlv(0x18, utf8(iso));
}

export interface Name {
  C?: string;
  O?: string;
  OU?: string;
  CN?: string;
}

const NAME_OIDS: [keyof Name, string, number][] = [
  ['C', '2.5.4.6', 0x13],
  ['O', '2.5.4.10', 0x0c],
  ['OU', '2.5.4.11', 0x0c],
  ['CN', '2.5.4.3', 0x0c],
];

function name(n: Name): Bytes {
  return seq(
    ...NAME_OIDS.filter(([k]) => n[k] !== undefined).map(([k, id, tag]) =>
      set(seq(oid(id), tlv(tag, utf8(n[k]!)))),
    ),
  );
}

const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));
const ID_FIDO_GEN_CE_AAGUID = '1.3.6.1.4.1.45724.1.1.4';

function extension(id: string, critical: boolean, value: Uint8Array): Bytes {
  return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
}

async function generate(): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
}

/** An ECDSA P-256 / SHA-256 signature, DER encoded (as X.509 and packed attestation want). */
export async function signDer(key: CryptoKey, data: Uint8Array): Promise<Bytes> {
  const raw = bytes(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, bytes(data)));
  return ecdsaRawToDer(raw);
}

export interface IssueOptions extends Name {
  ca?: boolean;
  /** Adds the id-fido-gen-ce-aaguid extension, as packed attestation leaves carry. */
  aaguid?: string;
  notBefore?: Date;
  notAfter?: Date;
  serial?: number;
  /** More extensions, as DER values (e.g. Android's KeyDescription). */
  extensions?: { id: string; value: Uint8Array }[];
}

let serials = 1;

export class TestCert {
  readonly pem: string;

  private constructor(
    readonly der: Bytes,
    readonly subject: Name,
    readonly keys: CryptoKeyPair,
  ) {
    this.pem = convertCertBufferToPEM(der);
  }

  /** A self-signed CA. */
  static async root(cn: string, opts: Omit<IssueOptions, 'CN' | 'ca'> = {}): Promise<TestCert> {
    const keys = await generate();
    const subject: Name = { C: opts.C ?? 'AA', O: opts.O ?? 'PSEA tests', CN: cn };
    return TestCert.build({ ...opts, ...subject, ca: true }, subject, keys, keys.privateKey);
  }

  /** A certificate for a new key, signed by this one. */
  async issue(opts: IssueOptions): Promise<TestCert> {
    return TestCert.build(opts, this.subject, await generate(), this.keys.privateKey);
  }

  private static async build(
    opts: IssueOptions,
    issuer: Name,
    keys: CryptoKeyPair,
    signer: CryptoKey,
  ): Promise<TestCert> {
    const subject: Name = { C: opts.C, O: opts.O, OU: opts.OU, CN: opts.CN };
    const spki = bytes((await crypto.subtle.exportKey('spki', keys.publicKey)) as ArrayBuffer);
    const exts = [
      extension('2.5.29.19', true, opts.ca ? seq(bool(true)) : seq()),
      ...(opts.ca ? [extension('2.5.29.15', true, tlv(0x03, bytes([1, 0x06])))] : []),
      ...(opts.aaguid
        ? [extension(ID_FIDO_GEN_CE_AAGUID, false, octets(uuidToBytes(opts.aaguid)))]
        : []),
      ...(opts.extensions ?? []).map((e) => extension(e.id, false, e.value)),
    ];
    const now = Date.now();
    const tbs = seq(
      explicit(0, int(2)),
      int(opts.serial ?? 0x1000 + serials++),
      ECDSA_SHA256,
      name(issuer),
      seq(
        time(opts.notBefore ?? new Date(now - 86_400_000)),
        time(opts.notAfter ?? new Date(now + 365 * 86_400_000)),
      ),
      name(subject),
      spki,
      explicit(3, seq(...exts)),
    );
    const der = seq(tbs, ECDSA_SHA256, bits(await signDer(signer, tbs)));
    return new TestCert(der, subject, keys);
  }
}

/** A compact JWS (ES256) with the given header and payload. */
export async function signJws(
  header: Record<string, unknown>,
  payload: unknown,
  key: CryptoKey,
): Promise<string> {
  const enc = (v: unknown) => isoBase64URL.fromBuffer(utf8(JSON.stringify(v)));
  const input = `${enc({ ...header, alg: 'ES256' })}.${enc(payload)}`;
  const sig = bytes(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, utf8(input)));
  return `${input}.${isoBase64URL.fromBuffer(sig)}`;
}

/**
 * Turn a soft authenticator's registration into packed *full* attestation:
 * the statement is signed by the first certificate's key, and `x5c` is the
 * chain as given (leaf first).
 */
export async function packedFullAttestation(
  response: RegistrationResponseJSON,
  chain: TestCert[],
  alg = -7,
): Promise<RegistrationResponseJSON> {
  const attObj = isoCBOR.decodeFirst<Map<string, CborValue>>(
    isoBase64URL.toBuffer(response.response.attestationObject),
  );
  const authData = attObj.get('authData') as Bytes;
  const clientDataHash = await sha256(isoBase64URL.toBuffer(response.response.clientDataJSON));
  const sig = await signDer(chain[0]!.keys.privateKey, concat(authData, clientDataHash));
  const attStmt = new Map<string, CborValue>([
    ['alg', alg],
    ['sig', sig],
    ['x5c', chain.map((c) => c.der)],
  ]);
  const encoded = isoCBOR.encode(
    new Map<string, CborValue>([
      ['fmt', 'packed'],
      ['attStmt', attStmt],
      ['authData', authData],
    ]),
  );
  return {
    ...response,
    response: { ...response.response, attestationObject: isoBase64URL.fromBuffer(bytes(encoded)) },
  };
}
