/**
 * A second verifier of the valid evidence vectors that shares no code with
 * worker/ (test/node/independent-evidence.ts: @simplewebauthn/server's
 * verifyAuthenticationResponse for the assertion, and RFC 9162 inclusion and
 * the C2SP note signature written out with node:crypto). If the two verifiers
 * ever disagree on a valid vector, one of them, or the bundle format, is wrong.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jcs, openNote, rootFromProof, sha256, verifyIndependently } from './independent-evidence';

const DIR = new URL('../vectors/evidence/', import.meta.url);
const valid = readdirSync(DIR).filter((f) => f.startsWith('valid-')).map((f) => JSON.parse(readFileSync(new URL(f, DIR), 'utf8')));

describe('evidence vectors, checked independently of worker/', () => {
  it('has the valid vectors to check', () => expect(valid.length).toBeGreaterThanOrEqual(6));

  for (const v of valid) {
    it(`${v.name}: the passkey signed this statement, and the log holds both entries`, async () => {
      await verifyIndependently(v.bundle, v.options);
    });
  }

  it('refuses a bent vector too (the check can fail)', async () => {
    const v = JSON.parse(readFileSync(new URL('wrong-inclusion-proof.json', DIR), 'utf8'));
    const { index, entry, proof } = v.bundle.log.enrolled;
    const [, size, root] = openNote(v.bundle.log.checkpoint, v.options.logKey).trimEnd().split('\n');
    const computed = rootFromProof(sha256(Buffer.from([0]), jcs(entry)), index, Number(size), proof.map((p: string) => Buffer.from(p, 'base64')));
    expect(computed.toString('base64')).not.toBe(root);
    await expect(verifyIndependently(v.bundle, v.options)).rejects.toThrow('not in the tree');
    const other = JSON.parse(readFileSync(new URL('checkpoint-other-key.json', DIR), 'utf8'));
    expect(() => openNote(other.bundle.log.checkpoint, other.options.logKey)).toThrow('not signed');
  });
});
