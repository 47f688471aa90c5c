/**
 * A TPM attests any key it holds, including one it may let go of: the key's
 * objectAttributes in `pubArea` say whether it is bound to this TPM
 * (fixedTPM), to its parent key (fixedParent), and was generated inside the
 * TPM (sensitiveDataOrigin). The library reads none of them, and its own
 * parser numbers the bits one place off. A key without all three could be
 * duplicated to another machine, so it is no device-bound key; it is the
 * TPM counterpart of an Android key imported into Keystore.
 */
import { ProblemError } from '../errors';

/** TPMA_OBJECT bits (TPM 2.0 Library, Part 2, §8.3). */
const FIXED_TPM = 1 << 1;
const FIXED_PARENT = 1 << 4;
const SENSITIVE_DATA_ORIGIN = 1 << 5;
const BOUND = FIXED_TPM | FIXED_PARENT | SENSITIVE_DATA_ORIGIN;

/**
 * @throws ProblemError `attestation_rejected` for a tpm statement whose key is
 * not fixed to the TPM and its parent, or was not generated in the TPM.
 * @example refuseDuplicableTpmKey(attestation.fmt, attestation.attStmt)
 */
export function refuseDuplicableTpmKey(fmt: string, attStmt: ReadonlyMap<string, unknown>): void {
  if (fmt !== 'tpm') return;
  const pubArea = attStmt.get('pubArea');
  // TPMT_PUBLIC: type (2 bytes), nameAlg (2 bytes), then objectAttributes (4 bytes, big-endian).
  if (!(pubArea instanceof Uint8Array) || pubArea.length < 8) {
    throw new ProblemError('attestation_rejected', 'tpm: no readable pubArea');
  }
  const attributes = new DataView(pubArea.buffer, pubArea.byteOffset, pubArea.byteLength).getUint32(
    4,
  );
  if ((attributes & BOUND) !== BOUND) {
    throw new ProblemError(
      'attestation_rejected',
      'tpm: key not generated in and fixed to the TPM',
    );
  }
}
