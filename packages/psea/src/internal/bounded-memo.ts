/**
 * A bounded memo of promises by string key: each key is worked out once (a
 * WebCrypto import, a parse), the oldest dropped past `max`, and a rejected
 * promise forgotten so a retry works it out afresh. For inputs whose result
 * never changes: a public key's bytes, a pinned key's text.
 */
export function boundedMemo<T>(
  max: number,
  make: (key: string) => Promise<T>,
): (key: string) => Promise<T> {
  const memo = new Map<string, Promise<T>>();
  return (key) => {
    let found = memo.get(key);
    if (!found) {
      if (memo.size >= max) memo.delete(memo.keys().next().value as string);
      found = make(key);
      memo.set(key, found);
      found.catch(() => memo.delete(key));
    }
    return found;
  };
}
