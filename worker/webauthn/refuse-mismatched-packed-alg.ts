/**
 * A packed statement's `alg` must be the algorithm its signature was made
 * with (WebAuthn §8.2): the credential key's own alg for self attestation,
 * one of the leaf key's family for full attestation. The library checks
 * neither. It verifies an EC leaf's signature with the hash of any `alg`
 * it is given, including an RSA one. It also takes a falsy `x5c` (null, 0)
 * as self attestation, where our check took any `x5c` key as full.
 * Refusing a malformed `x5c` makes both readings agree.
 */
import { getCertificateInfo } from '@simplewebauthn/server/helpers';
import { ProblemError } from '../errors';

type Family = 'ec' | 'rsa' | 'okp';

/** COSE algorithms by the kind of key that makes them. */
const ALG_FAMILY = new Map<number, Family>([
  [-7, 'ec'],
  [-35, 'ec'],
  [-36, 'ec'],
  [-47, 'ec'],
  [-257, 'rsa'],
  [-258, 'rsa'],
  [-259, 'rsa'],
  [-37, 'rsa'],
  [-38, 'rsa'],
  [-39, 'rsa'],
  [-65535, 'rsa'],
  [-8, 'okp'],
]);

/** SubjectPublicKeyInfo algorithm OIDs by the same kinds. */
const KEY_FAMILY = new Map<string, Family>([
  ['1.2.840.10045.2.1', 'ec'], // id-ecPublicKey
  ['1.2.840.113549.1.1.1', 'rsa'], // rsaEncryption
  ['1.2.840.113549.1.1.10', 'rsa'], // id-RSASSA-PSS
  ['1.3.101.112', 'okp'], // Ed25519
]);

function leafFamily(leaf: Uint8Array<ArrayBuffer>): Family | undefined {
  try {
    return KEY_FAMILY.get(
      getCertificateInfo(leaf).parsedCertificate.tbsCertificate.subjectPublicKeyInfo.algorithm
        .algorithm,
    );
  } catch {
    return undefined;
  }
}

/**
 * @throws ProblemError `attestation_rejected` when a packed statement's `x5c` is
 * malformed, or its `alg` cannot be the signing key's.
 * @example refuseMismatchedPackedAlg(attestation.fmt, attestation.attStmt, credentialAlg)
 */
export function refuseMismatchedPackedAlg(
  fmt: string,
  attStmt: ReadonlyMap<string, unknown>,
  credentialAlg: number,
): void {
  if (fmt !== 'packed') return;
  const alg = attStmt.get('alg');
  // Self attestation is signed by the credential key itself, so it must name that key's alg.
  if (!attStmt.has('x5c')) {
    if (alg !== credentialAlg)
      throw new ProblemError(
        'attestation_rejected',
        "self attestation alg is not the credential key's",
      );
    return;
  }
  // Require x5c to be what §8.2 says: a non-empty array of certificates.
  const x5c = attStmt.get('x5c');
  if (!Array.isArray(x5c) || x5c.length === 0 || !x5c.every((c) => c instanceof Uint8Array)) {
    throw new ProblemError('attestation_rejected', 'x5c is not a list of certificates');
  }
  // Require alg to be one the attestation certificate's key can make.
  const family = typeof alg === 'number' ? ALG_FAMILY.get(alg) : undefined;
  if (family === undefined || family !== leafFamily(x5c[0] as Uint8Array<ArrayBuffer>)) {
    throw new ProblemError(
      'attestation_rejected',
      "alg is not one the attestation certificate's key makes",
    );
  }
}
