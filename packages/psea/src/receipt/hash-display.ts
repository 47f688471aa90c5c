import { canonicalJson } from '../internal/canonical-json.ts';
import { sha256B64url } from '../internal/sha256-b64url.ts';

/**
 * The display commitment `dsp` (docs/api.md "The statement commits to the
 * display"): base64url, no padding, of SHA-256 over the UTF-8 bytes of
 * JCS(display), the display exactly as `GET /v1/actions/:ticket` serves it.
 *
 * @throws {ReceiptError} `invalid_json` when the display has no JSON form.
 *
 * @example
 * ```ts
 * const dsp = await hashDisplay({ title: 'Send €1,250.00', fields: [{ label: 'To', value: 'DE89…' }] });
 * ```
 */
export async function hashDisplay(display: unknown): Promise<string> {
  return sha256B64url(canonicalJson(display));
}
