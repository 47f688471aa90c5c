/**
 * Whether Google Play services made an android-key or android-safetynet
 * attestation.
 *
 * Both formats prove less than they seem. Any Android app can ask Keystore
 * for a TEE key whose attestation challenge is the clientDataHash, or ask
 * SafetyNet for a nonce of its choosing, and write whatever AAGUID and flags
 * it likes into authenticatorData. Google's roots then vouch for the key or
 * the device, not for the authenticator model, UV or BE claimed. Only when
 * the app is Google Play services, the platform's own FIDO2 authenticator,
 * is authenticatorData the platform's; PSEA calls only those attested.
 * Another app's statement still enrolls, as not attested, like `none`.
 */
import { AttestationApplicationId, type KeyDescription } from '@peculiar/asn1-android';
import { AsnParser } from '@peculiar/asn1-schema';
import { isoBase64URL, isoUint8Array } from '@simplewebauthn/server/helpers';

const PLAY_SERVICES = 'com.google.android.gms';
/** SHA-256 of Play services' signing certificate, as both formats carry it (the real fixtures show it). */
const PLAY_SERVICES_SIGNER = 'f0fd6c5b410f25cb25c3b53346c8972fae30f8ee7411df910480ad6b2d60db83';

/** The schema types these OCTET STRINGs as OctetString, but the parser hands back bare ArrayBuffers: take either. */
const raw = (v: ArrayBuffer | { buffer: ArrayBuffer }): ArrayBuffer =>
  v instanceof ArrayBuffer ? v : v.buffer;
const hex = (b: ArrayBuffer | Uint8Array) => isoUint8Array.toHex(new Uint8Array(b));

/**
 * Whether Keystore names Play services, by package and signing certificate,
 * as the app the key was made for (`attestationApplicationId`, which
 * Keystore writes into the software-enforced list).
 * @example keystoreAppIsPlayServices(keyDescription(chain[0])!)
 */
export function keystoreAppIsPlayServices(kd: KeyDescription): boolean {
  const id =
    kd.softwareEnforced.attestationApplicationId ?? kd.teeEnforced.attestationApplicationId;
  if (!id) return false;
  try {
    const app = AsnParser.parse(id.buffer, AttestationApplicationId);
    return (
      app.packageInfos.some(
        (p) => new TextDecoder().decode(raw(p.packageName)) === PLAY_SERVICES,
      ) && app.signatureDigests.some((d) => hex(raw(d)) === PLAY_SERVICES_SIGNER)
    );
  } catch {
    return false;
  }
}

/**
 * Whether a SafetyNet statement's JWS names Play services, by package and
 * signing certificate, as the app that asked for it.
 * @example safetyNetAppIsPlayServices(attStmt)
 */
export function safetyNetAppIsPlayServices(attStmt: ReadonlyMap<string, unknown>): boolean {
  try {
    const response = attStmt.get('response');
    if (!(response instanceof Uint8Array)) return false;
    const payload = JSON.parse(
      isoBase64URL.toUTF8String(new TextDecoder().decode(response).split('.')[1] ?? ''),
    ) as {
      apkPackageName?: unknown;
      apkCertificateDigestSha256?: unknown;
    };
    const digests = Array.isArray(payload.apkCertificateDigestSha256)
      ? payload.apkCertificateDigestSha256
      : [];
    return (
      payload.apkPackageName === PLAY_SERVICES &&
      digests.some(
        (d) =>
          typeof d === 'string' &&
          isoBase64URL.isBase64(d) &&
          hex(isoBase64URL.toBuffer(d, 'base64')) === PLAY_SERVICES_SIGNER,
      )
    );
  } catch {
    return false;
  }
}
