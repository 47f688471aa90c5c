/** Review of DEMO's loopback rule (issue 14): host spellings an attacker might try. These hold. */
import { describe, expect, it } from 'vitest';
import { isLoopbackUrl } from '../../worker/lib/loopback';

describe('isLoopbackUrl (holds)', () => {
  it.each([
    ['http://localhost:8787', true],
    ['http://LOCALHOST:8787', true],
    ['http://127.0.0.2', true],
    ['http://127.1', true], // URL normalises it to 127.0.0.1: genuinely loopback
    ['http://[::1]:8787', true],
    ['http://localhost.evil.example', false],
    ['http://localhost.', false],
    ['http://127.0.0.1.nip.io', false],
    ['http://[::ffff:127.0.0.1]', false], // fails closed
    ['http://0.0.0.0', false],
    ['http://evil.example@localhost', true], // user info dropped: the host really is localhost
    ['http://localhost@evil.example', false],
    ['not a url', false],
  ])('%s → %s', (url, loopback) => {
    expect(isLoopbackUrl(url)).toBe(loopback);
  });
});
