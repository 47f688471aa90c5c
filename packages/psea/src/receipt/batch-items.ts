/**
 * The rules every batch item meets (docs/batches.md "Items"), in one place:
 * the service refuses a batch that breaks one, naming the item, and the
 * library computes totals only over items that meet them.
 */
import { AMOUNT, CURRENCY } from './decimal-sum.ts';

/** Items in one batch, at most. */
export const MAX_BATCH_ITEMS = 10_000;
/** Bytes of one item's JCS form (UTF-8), at most. */
export const MAX_ITEM_BYTES = 4 * 1024;
/** Types beginning so are the service's own. */
const SERVICE_PREFIX = 'psea.';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const loneSurrogate = /\p{Cs}/u;

/** Where in `value` a number is not a safe integer (or is -0), or a string or name is not well-formed. */
function badLeaf(value: unknown, path: string): string | undefined {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || Object.is(value, -0))
      return `${path}: numbers must be safe integers (not -0)`;
    return undefined;
  }
  if (typeof value === 'string')
    return loneSurrogate.test(value)
      ? `${path}: must be well-formed Unicode (no lone surrogates)`
      : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [name, child] of Object.entries(value)) {
    if (loneSurrogate.test(name)) return `${path}: a member name is not well-formed Unicode`;
    const found = badLeaf(child, `${path}.${name}`);
    if (found) return found;
  }
  return undefined;
}

/**
 * Why item `index` breaks a rule other than its size, as `items.<i>…: why`,
 * or undefined when it meets them all. Bodies are at most 32 levels deep, so
 * recursion is safe.
 * @example itemProblem({ type: 'wire.transfer', amount: '1.5' }, 3) // 'items.3.currency: …'
 */
export function itemProblem(item: unknown, index: number): string | undefined {
  const at = `items.${index}`;
  if (!isPlainObject(item)) return `${at}: must be a JSON object`;
  const type = Object.hasOwn(item, 'type') ? item.type : undefined;
  if (typeof type !== 'string' || type.length < 1 || type.length > 128)
    return `${at}.type: must be a string of 1 to 128 characters`;
  if (type.startsWith(SERVICE_PREFIX))
    return `${at}.type: types beginning "${SERVICE_PREFIX}" are the service's own`;
  const leaf = badLeaf(item, at);
  if (leaf) return leaf;
  if (Object.hasOwn(item, 'amount')) {
    if (typeof item.amount !== 'string' || !AMOUNT.test(item.amount)) {
      return `${at}.amount: must be a decimal string of 1 to 15 digits, optionally "." and 1 to 6 digits`;
    }
    const currency = Object.hasOwn(item, 'currency') ? item.currency : undefined;
    if (typeof currency !== 'string' || !CURRENCY.test(currency))
      return `${at}.currency: must be three capital letters (A-Z) with an amount`;
  }
  if (Object.hasOwn(item, 'to') && typeof item.to !== 'string') return `${at}.to: must be a string`;
  return undefined;
}
