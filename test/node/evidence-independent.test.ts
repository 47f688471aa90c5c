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
const read = (prefix: string) =>
  readdirSync(DIR)
    .filter((f) => f.startsWith(prefix))
    .map((f) => JSON.parse(readFileSync(new URL(f, DIR), 'utf8')));
const valid = read('valid-');
// Every vector bent in its chain of custody, the operator's forgery of issue 23 among them.
const bentCustody = [...read('custody-'), ...read('operator-forgery')];

describe('evidence vectors, checked independently of worker/', () => {
  it('has the valid vectors to check', () => expect(valid.length).toBeGreaterThanOrEqual(6));

  for (const v of valid) {
    it(`${v.name}: the passkey signed this statement, the log holds both entries, the chain reaches a root`, async () => {
      await verifyIndependently(v.bundle, v.options);
    });
  }

  it('has the bent custody vectors to refuse', () =>
    expect(bentCustody.length).toBeGreaterThanOrEqual(15));
  for (const v of bentCustody) {
    it(`${v.name}: refused`, async () => {
      await expect(verifyIndependently(v.bundle, v.options)).rejects.toThrow();
    });
  }

  it('refuses a bent vector too (the check can fail)', async () => {
    const v = JSON.parse(readFileSync(new URL('wrong-inclusion-proof.json', DIR), 'utf8'));
    const { index, entry, proof } = v.bundle.log.enrolled;
    const [, size, root] = openNote(v.bundle.log.checkpoint, v.options.logKey)
      .trimEnd()
      .split('\n');
    const computed = rootFromProof(
      sha256(Buffer.from([0]), jcs(entry)),
      index,
      Number(size),
      proof.map((p: string) => Buffer.from(p, 'base64')),
    );
    expect(computed.toString('base64')).not.toBe(root);
    await expect(verifyIndependently(v.bundle, v.options)).rejects.toThrow('not in the tree');
    const other = JSON.parse(readFileSync(new URL('checkpoint-other-key.json', DIR), 'utf8'));
    expect(() => openNote(other.bundle.log.checkpoint, other.options.logKey)).toThrow('not signed');
  });

  it("reads a key whose base64 holds '+' (a random key's often does)", async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    for (let tries = 0; tries < 200; tries++) {
      const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
      const pub = Buffer.concat([Buffer.from([1]), Buffer.from(jwk.x!, 'base64url')]);
      if (!pub.toString('base64').includes('+')) continue;
      const name = 'plus.example/psea';
      const key = `${name}+${sha256(`${name}\n`, pub).subarray(0, 4).toString('hex')}+${pub.toString('base64')}`;
      // Not signed by it: the key itself must still parse, and the note be refused for its signature.
      expect(() => openNote('a\n\n\u2014 other AAAA\n', key)).toThrow('not signed');
      return;
    }
    throw new Error('no key with a + in 200 tries');
  });

  it('refuses a note signed by another key', () => {
    const other = JSON.parse(readFileSync(new URL('checkpoint-other-key.json', DIR), 'utf8'));
    expect(() => openNote(other.bundle.log.checkpoint, other.options.logKey)).toThrow('not signed');
  });
});
