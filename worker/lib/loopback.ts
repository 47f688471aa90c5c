/**
 * Loopback hosts: `localhost`, 127.0.0.0/8 and `[::1]`. The demo lives only
 * there (docs/security.md ("Service hygiene")): it enrolls anyone for its one user, so it
 * must never answer on a host the world can reach.
 */
const IPV4_LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** Whether a URL's `hostname` (as `URL` normalises it: lower case, IPv6 in brackets) is loopback. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || IPV4_LOOPBACK.test(hostname);
}

/** Whether an origin or URL names a loopback host; anything unparsable is not. */
export function isLoopbackUrl(url: string): boolean {
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}
