import canonicalize from 'canonicalize';
import { ReceiptError } from './receipt-error.ts';

/**
 * RFC 8785 (JCS) canonical JSON: sorted keys, ECMAScript number form, minimal
 * string escapes. Two parties that hold equal JSON values get equal strings,
 * so hashes of it can be compared without trusting who serialised it.
 *
 * @throws {ReceiptError} `invalid_json` when the value has no JSON form
 *   (undefined, a function or symbol at the top, NaN, ±Infinity, a BigInt,
 *   a string with a lone surrogate, a cycle).
 *
 * @example
 * ```ts
 * canonicalJson({ b: 1.0, a: 1e21 }); // '{"a":1e+21,"b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch (cause) {
    // canonicalize's own messages name the problem, never the value.
    const why = cause instanceof Error ? cause.message : 'unserialisable value';
    throw new ReceiptError('invalid_json', `value has no canonical JSON form: ${why}`, { cause });
  }
  if (typeof text !== 'string') {
    throw new ReceiptError(
      'invalid_json',
      'value has no canonical JSON form: undefined, a function or a symbol',
    );
  }
  return text;
}
