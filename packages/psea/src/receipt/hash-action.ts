import { canonicalJson } from '../internal/canonical-json.ts';
import { sha256B64url } from '../internal/sha256-b64url.ts';

/**
 * The `actionHash` (docs/api.md `POST /v1/actions`): base64url, no padding, of
 * SHA-256 over the UTF-8 bytes of JCS(action). A host backend recomputes it
 * from the action it is about to execute and compares it with a receipt's
 * `act`, so a receipt for one action never authorises another.
 *
 * @throws {ReceiptError} `invalid_json` when the action has no JSON form.
 *
 * @example
 * ```ts
 * const act = await hashAction({ type: 'wire.transfer', amount: '1250.00', currency: 'EUR', to: 'DE89…' });
 * // 43 base64url characters
 * ```
 */
export async function hashAction(action: unknown): Promise<string> {
  return sha256B64url(canonicalJson(action));
}
