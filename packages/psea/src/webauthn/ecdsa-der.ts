/**
 * WebAuthn ES256 signatures are ASN.1 DER `Ecdsa-Sig-Value` (WebAuthn §6.5.5).
 * Lax parsers also take other tags, long lengths and trailing bytes, so one
 * signature has many encodings; accept only the one DER allows.
 */
export function derToRawP256(sig: Uint8Array): Uint8Array<ArrayBuffer> | undefined {
  // SEQUENCE { INTEGER r, INTEGER s }: at most 2 + 2 × (2 + 33) bytes, so every length is one byte.
  if (sig.length < 8 || sig.length > 72 || sig[0] !== 0x30 || sig[1] !== sig.length - 2)
    return undefined;
  // WebCrypto wants r ‖ s, each left-padded to 32 bytes.
  const raw = new Uint8Array(64);
  let at = 2;
  for (let n = 0; n < 2; n++) {
    const len = sig[at + 1] ?? 0;
    const start = at + 2;
    if (sig[at] !== 0x02 || len < 1 || len > 33 || start + len > sig.length) return undefined;
    // Positive and minimal: no sign bit, no leading zero unless the next byte needs it.
    if (sig[start]! & 0x80) return undefined;
    if (len > 1 && sig[start] === 0 && !(sig[start + 1]! & 0x80)) return undefined;
    const int = sig.subarray(sig[start] === 0 ? start + 1 : start, start + len);
    if (int.length > 32) return undefined;
    raw.set(int, n * 32 + 32 - int.length);
    at = start + len;
  }
  return at === sig.length ? raw : undefined;
}

export function isStrictDerEcdsaP256(sig: Uint8Array): boolean {
  return derToRawP256(sig) !== undefined;
}
