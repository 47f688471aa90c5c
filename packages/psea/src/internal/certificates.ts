/**
 * Certificate encodings. Trust anchors arrive as PEM (or bare base64 DER,
 * as FIDO metadata lists them); chains arrive as DER. Comparing them goes
 * through one canonical PEM so formatting never decides trust.
 */
import {
  convertCertBufferToPEM,
  getCertificateInfo,
  isoBase64URL,
  isoUint8Array,
} from '@simplewebauthn/server/helpers';

const ARMOR = /-----(BEGIN|END) CERTIFICATE-----/g;

/**
 * DER bytes of a PEM certificate or a bare base64 DER string.
 * @throws Error when the text is not base64 or not an X.509 certificate.
 * @example certificateDer('-----BEGIN CERTIFICATE-----\nMIIB…\n-----END CERTIFICATE-----')
 */
export function certificateDer(text: string): Uint8Array<ArrayBuffer> {
  const b64 = text.replace(ARMOR, '').replace(/\s+/g, '');
  if (!b64 || !isoBase64URL.isBase64(b64)) throw new Error('not a base64 certificate');
  const der = isoBase64URL.toBuffer(b64, 'base64');
  // Parse it, so a typo fails at start rather than at someone's enrollment.
  getCertificateInfo(der);
  return der;
}

/** The one PEM form used for comparisons and for the library's chain checks. */
export function canonicalPem(der: Uint8Array<ArrayBuffer>): string {
  return convertCertBufferToPEM(der);
}

/**
 * SHA-256 fingerprint of a certificate's DER, lowercase hex without colons
 * (`openssl x509 -noout -fingerprint -sha256` prints the same digits).
 */
export async function certificateFingerprint(der: Uint8Array<ArrayBuffer>): Promise<string> {
  return isoUint8Array.toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', der)));
}

/** Normalise a configured fingerprint: hex, any case, colons allowed. */
export function normaliseFingerprint(text: string): string | undefined {
  const hex = text.replace(/:/g, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
}

/**
 * The DER value of one extension of a certificate, or undefined when the
 * certificate lacks it or cannot be parsed: callers treat both as "not said".
 * @example certificateExtension(leafDer, '1.3.6.1.4.1.45724.1.1.4') // id-fido-gen-ce-aaguid
 */
export function certificateExtension(
  der: Uint8Array<ArrayBuffer>,
  oid: string,
): ArrayBuffer | undefined {
  try {
    return getCertificateInfo(der).parsedCertificate.tbsCertificate.extensions?.find(
      (e) => e.extnID === oid,
    )?.extnValue.buffer;
  } catch {
    return undefined;
  }
}
