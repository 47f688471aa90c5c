/**
 * The KeyDescription extension Android Keystore writes into an android-key
 * leaf: what the key is, where it was made, and which app asked for it.
 */
import { id_ce_keyDescription, KeyDescription } from '@peculiar/asn1-android';
import { AsnParser } from '@peculiar/asn1-schema';
import { certificateExtension } from '../../packages/psea/src/internal/certificates';

/**
 * The leaf's KeyDescription, or undefined when it has none or it cannot be read.
 * @example const kd = keyDescription(chain[0]); kd?.teeEnforced.origin // 0: generated
 */
export function keyDescription(
  leaf: Uint8Array<ArrayBuffer> | undefined,
): KeyDescription | undefined {
  const value = leaf && certificateExtension(leaf, id_ce_keyDescription);
  try {
    return value ? AsnParser.parse(value, KeyDescription) : undefined;
  } catch {
    return undefined;
  }
}
