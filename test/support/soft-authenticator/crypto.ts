/**
 * Byte and key helpers for the software authenticator. WebCrypto, TextEncoder and
 * `@simplewebauthn/server/helpers` only, so this runs in workerd and in Node alike.
 */
import { isoBase64URL, isoCBOR } from '@simplewebauthn/server/helpers';

/** Bytes backed by a plain ArrayBuffer (what WebCrypto and simplewebauthn accept). */
export type Bytes = Uint8Array<ArrayBuffer>;
/** Anything `isoCBOR.encode` takes. */
export type CborValue = Parameters<typeof isoCBOR.encode>[0];
/** A COSE key as a CBOR map with integer labels. */
export type CoseKeyMap = Map<number, CborValue>;
export type CoseAlg = -7 | -8 | -257;

export const COSE_ALGS: readonly CoseAlg[] = [-7, -8, -257];

export function bytes(input: Uint8Array | ArrayBuffer | readonly number[]): Bytes {
  if (input instanceof ArrayBuffer) return new Uint8Array(input.slice(0));
  return Uint8Array.from(input);
}

export function concat(...parts: Uint8Array[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function utf8(text: string): Bytes {
  return bytes(new TextEncoder().encode(text));
}

export async function sha256(data: Uint8Array | string): Promise<Bytes> {
  const input = typeof data === 'string' ? utf8(data) : bytes(data);
  return new Uint8Array(await crypto.subtle.digest('SHA-256', input));
}

export function b64url(data: Uint8Array): string {
  return isoBase64URL.fromBuffer(bytes(data));
}

export function fromB64url(text: string): Bytes {
  return bytes(isoBase64URL.toBuffer(text));
}

export function randomBytes(length: number): Bytes {
  return crypto.getRandomValues(new Uint8Array(length));
}

export function u16(n: number): Bytes {
  const out = new Uint8Array(2);
  new DataView(out.buffer).setUint16(0, n & 0xffff, false);
  return out;
}

export function u32(n: number): Bytes {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n >>> 0, false);
  return out;
}

/** `"00000000-0000-0000-0000-000000000000"` -> 16 bytes. */
export function uuidToBytes(uuid: string): Bytes {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`soft-authenticator: bad AAGUID ${uuid}`);
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function derInteger(unsigned: Uint8Array): number[] {
  let i = 0;
  while (i < unsigned.length - 1 && unsigned[i] === 0) i++;
  const value = Array.from(unsigned.subarray(i));
  if ((value[0] ?? 0) & 0x80) value.unshift(0);
  return [0x02, value.length, ...value];
}

/** WebCrypto's raw ECDSA `r || s` -> ASN.1 DER `SEQUENCE { INTEGER r, INTEGER s }` (minimal). */
export function ecdsaRawToDer(raw: Uint8Array): Bytes {
  if (raw.length % 2 !== 0) throw new Error('soft-authenticator: odd raw ECDSA signature');
  const half = raw.length / 2;
  const body = [...derInteger(raw.subarray(0, half)), ...derInteger(raw.subarray(half))];
  // P-256 bodies are at most 70 bytes, so the short length form always applies.
  return Uint8Array.from([0x30, body.length, ...body]);
}

/** Structural key-generation params (the DOM and workers-types name these types differently). */
type GenerateParams =
  | { name: 'ECDSA'; namedCurve: 'P-256' }
  | { name: 'Ed25519' }
  | {
      name: 'RSASSA-PKCS1-v1_5';
      modulusLength: number;
      publicExponent: Uint8Array<ArrayBuffer>;
      hash: string;
    };

interface AlgSpec {
  generate: GenerateParams;
  sign: { name: string; hash?: string };
}

const ALG_SPECS: Record<CoseAlg, AlgSpec> = {
  [-7]: {
    generate: { name: 'ECDSA', namedCurve: 'P-256' },
    sign: { name: 'ECDSA', hash: 'SHA-256' },
  },
  [-8]: { generate: { name: 'Ed25519' }, sign: { name: 'Ed25519' } },
  [-257]: {
    generate: {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    },
    sign: { name: 'RSASSA-PKCS1-v1_5' },
  },
};

export interface KeyMaterial {
  alg: CoseAlg;
  privateKey: CryptoKey;
  /** COSE_Key map, labels in CTAP2 canonical order. */
  cose: CoseKeyMap;
  /** SubjectPublicKeyInfo DER, as `AuthenticatorAttestationResponse.getPublicKey()` returns it. */
  spki: Bytes;
}

interface Jwk {
  x?: string;
  y?: string;
  n?: string;
  e?: string;
}

export async function generateKeyMaterial(alg: CoseAlg): Promise<KeyMaterial> {
  const spec = ALG_SPECS[alg];
  if (!spec) throw new Error(`soft-authenticator: unsupported alg ${String(alg)}`);
  // workers-types and the DOM lib type generateKey/exportKey differently; both return these shapes.
  const pair = (await crypto.subtle.generateKey(spec.generate, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const jwk = (await crypto.subtle.exportKey('jwk', pair.publicKey)) as Jwk;
  const spki = bytes((await crypto.subtle.exportKey('spki', pair.publicKey)) as ArrayBuffer);
  const need = (v: string | undefined): Bytes => {
    if (v === undefined) throw new Error('soft-authenticator: incomplete JWK export');
    return fromB64url(v);
  };
  let cose: CoseKeyMap;
  if (alg === -7) {
    cose = new Map<number, CborValue>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, need(jwk.x)],
      [-3, need(jwk.y)],
    ]);
  } else if (alg === -8) {
    cose = new Map<number, CborValue>([
      [1, 1],
      [3, -8],
      [-1, 6],
      [-2, need(jwk.x)],
    ]);
  } else {
    cose = new Map<number, CborValue>([
      [1, 3],
      [3, -257],
      [-1, need(jwk.n)],
      [-2, need(jwk.e)],
    ]);
  }
  return { alg, privateKey: pair.privateKey, cose, spki };
}

/** WebCrypto signature: raw `r || s` for ECDSA (callers DER-encode it), raw bytes otherwise. */
export async function signRaw(alg: CoseAlg, key: CryptoKey, data: Uint8Array): Promise<Bytes> {
  return new Uint8Array(await crypto.subtle.sign(ALG_SPECS[alg].sign, key, bytes(data)));
}

/** COSE `kty` and its text spelling, for the "text kty" malformed-key bend. */
export const KTY_TEXT: Record<number, string> = { 1: 'OKP', 2: 'EC2', 3: 'RSA' };
