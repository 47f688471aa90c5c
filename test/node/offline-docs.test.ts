/**
 * The field verifier in docs/offline.md (between its field-verifier markers)
 * runs as the page says, on the built psea/offline, and refuses what it must:
 * the example stays true.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OFFLINE,
  bundleClaims,
  makeProof,
  offlineKeys,
  signBundle,
} from '../support/offline-proofs';
import { SoftAuthenticator } from '../support/soft-authenticator';

const run = promisify(execFile);
const DIST = pathToFileURL(
  new URL('../../packages/psea/dist/offline.js', import.meta.url).pathname,
).href;
let dir = '';

beforeAll(async () => {
  const page = await readFile(new URL('../../docs/offline.md', import.meta.url), 'utf8');
  const script =
    /<!-- field-verifier:start -->\s*```js\n([\s\S]*?)```\s*<!-- field-verifier:end -->/.exec(
      page,
    )?.[1] ?? '';
  expect(script).toContain("from 'psea/offline'");
  dir = await mkdtemp(join(tmpdir(), 'psea-field-'));
  // The temporary directory has no node_modules: point the package name at the built bundle.
  await writeFile(join(dir, 'field-verify.mjs'), script.replace("'psea/offline'", `'${DIST}'`));

  const keys = await offlineKeys();
  const auth = await SoftAuthenticator.create();
  // The script reads the real clock: a bundle valid now.
  const claims = bundleClaims({
    creds: [auth],
    claims: { exp: Math.floor(Date.now() / 1000) + 3600 },
  });
  const action = { type: 'door.open', door: '7' };
  const proof = await makeProof({ auth, bundle: claims, action });
  const other = await makeProof({ auth, bundle: claims, action, nonce: claims.grants[1] });
  await writeFile(
    join(dir, 'synced.json'),
    JSON.stringify({ bundle: await signBundle(claims, keys.signer), jwks: keys.jwks }),
  );
  await writeFile(join(dir, 'proof.json'), JSON.stringify(proof));
  await writeFile(join(dir, 'other.json'), JSON.stringify(other));
  await writeFile(
    join(dir, 'tampered.json'),
    JSON.stringify({ ...other, action: { type: 'door.open', door: '1' } }),
  );
});

afterAll(() => rm(dir, { recursive: true, force: true }));

async function verify(proofFile: string, user: string = OFFLINE.sub): Promise<string> {
  try {
    const { stdout } = await run(process.execPath, ['field-verify.mjs', proofFile, user], {
      cwd: dir,
    });
    return stdout.trim();
  } catch (err) {
    return String((err as { stdout?: string }).stdout ?? err).trim();
  }
}

describe('the field verifier in docs/offline.md', () => {
  // Five node processes one after another: under a loaded machine that is more than the default 5 s.
  it(
    'opens once for a genuine proof, and refuses its replay, another badge and a tampered action',
    { timeout: 60_000 },
    async () => {
      expect(await verify('proof.json')).toMatch(/^open for u-123, signed at \d{4}-/);
      expect(await verify('proof.json')).toBe('refused: ticket_used');
      expect(await verify('other.json', 'u-bob')).toBe('refused: subject_mismatch');
      expect(await verify('tampered.json')).toBe('refused: challenge_mismatch');
      // The refusals used nothing up: the other grant still opens.
      expect(await verify('other.json')).toMatch(/^open for u-123/);
      expect(JSON.parse(await readFile(join(dir, 'seen.json'), 'utf8'))).toHaveLength(2);
    },
  );
});
