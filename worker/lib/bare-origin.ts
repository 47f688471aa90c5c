/**
 * An origin as `clientDataJSON.origin` carries it: scheme, host and port,
 * nothing else (a trailing `/` is tolerated). Shared by ALLOWED_ORIGINS and
 * POLICY's per-rule `origins`, so both lists read an origin the same way.
 * @example bareOrigin('https://approve.example.com/') // 'https://approve.example.com'
 * @example bareOrigin('https://approve.example.com/approve') // undefined
 */
export function bareOrigin(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.origin === 'null' || url.origin !== text.replace(/\/$/, '')) return undefined;
  return url.origin;
}
