/**
 * A second verifier of the valid evidence vectors that shares no code with
 * worker/: @simplewebauthn/server's verifyAuthenticationResponse for the
 * assertion, and RFC 9162 inclusion and the C2SP note signature written out
 * here with node:crypto. If the two verifiers ever disagree on a valid
 * vector, one of them, or the bundle format, is wrong.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { verifyAuthenticationResponse } from '@simplewebauthn/server';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';

const DIR = new URL('../vectors/evidence/', import.meta.url);
const valid = readdirSync(DIR).filter((f) => f.startsWith('valid-')).map((f) => JSON.parse(readFileSync(new URL(f, DIR), 'utf8')));
const sha256 = (...parts: (Buffer | string)[]) => { const h = createHash('sha256'); for (const p of parts) h.update(p); return h.digest(); };
const jcs = (v: unknown) => canonicalize(v) as string;

/** RFC 9162 §2.1.3.2, the root an inclusion proof leads to. */
function rootFromProof(leaf: Buffer, index: number, size: number, proof: Buffer[]): Buffer {
  if (index >= size) throw new Error('index beyond the tree');
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) throw new Error('proof too long');
    if (fn % 2 === 1 || fn === sn) {
      r = sha256(Buffer.from([1]), p, r);
      while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else {
      r = sha256(Buffer.from([1]), r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new Error('proof too short');
  return r;
}

/** A C2SP signed note's text, if the pinned Go note verifier key signed it. */
function openNote(note: string, verifierKey: string): string {
  const [name, hashHex, keyB64] = verifierKey.split('+') as [string, string, string];
  const key = Buffer.from(keyB64, 'base64');
  expect(key[0]).toBe(1); // Ed25519
  expect(sha256(`${name}\n`, key).subarray(0, 4).toString('hex')).toBe(hashHex);
  const split = note.lastIndexOf('\n\n');
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2).trimEnd().split('\n');
  const ours = lines.map((l) => Buffer.from(l.slice(`\u2014 ${name} `.length), 'base64')).filter((_, i) => lines[i]!.startsWith(`\u2014 ${name} `));
  const spki = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), key.subarray(1)]), format: 'der', type: 'spki' });
  const signed = ours.some((sig) => sig.subarray(0, 4).toString('hex') === hashHex && verify(null, Buffer.from(text), spki, sig.subarray(4)));
  if (!signed) throw new Error('the note is not signed by the pinned key');
  return text;
}

describe('evidence vectors, checked independently of worker/', () => {
  it('has the valid vectors to check', () => expect(valid.length).toBeGreaterThanOrEqual(6));

  for (const v of valid) {
    it(`${v.name}: the passkey signed this statement, and the log holds both entries`, async () => {
      const { bundle, options } = v;
      const challenge = sha256(jcs(bundle.statement)).toString('base64url');
      const result = await verifyAuthenticationResponse({
        response: bundle.assertion,
        expectedChallenge: challenge,
        expectedOrigin: options.origins,
        expectedRPID: options.rpId,
        requireUserVerification: true,
        credential: { id: bundle.credential.id, publicKey: Buffer.from(bundle.credential.publicKey, 'base64url'), counter: 0 },
      });
      expect(result.verified).toBe(true);
      expect(bundle.statement.act).toBe(sha256(jcs(bundle.action)).toString('base64url'));

      const text = openNote(bundle.log.checkpoint, options.logKey);
      const [origin, size, root] = text.trimEnd().split('\n') as [string, string, string];
      expect(origin).toBe(`${options.logKey.split('+')[0]}/${sha256(bundle.statement.sub).toString('base64url')}`);
      const entries = [bundle.log.approved, ...(bundle.log.enrolled ? [bundle.log.enrolled] : [])];
      for (const { index, entry, proof } of entries) {
        const leaf = sha256(Buffer.from([0]), jcs(entry));
        const computed = rootFromProof(leaf, index, Number(size), proof.map((p: string) => Buffer.from(p, 'base64')));
        expect(computed.toString('base64')).toBe(root);
      }
      expect(bundle.log.approved.entry.challenge).toBe(challenge);
      if (bundle.log.enrolled) expect(bundle.log.enrolled.entry.key).toBe(sha256(Buffer.from(bundle.credential.publicKey, 'base64url')).toString('base64url'));
    });
  }

  it('refuses a bent vector too (the check can fail)', async () => {
    const v = JSON.parse(readFileSync(new URL('wrong-inclusion-proof.json', DIR), 'utf8'));
    const { index, entry, proof } = v.bundle.log.enrolled;
    const [, size, root] = openNote(v.bundle.log.checkpoint, v.options.logKey).trimEnd().split('\n');
    const computed = rootFromProof(sha256(Buffer.from([0]), jcs(entry)), index, Number(size), proof.map((p: string) => Buffer.from(p, 'base64')));
    expect(computed.toString('base64')).not.toBe(root);
    const other = JSON.parse(readFileSync(new URL('checkpoint-other-key.json', DIR), 'utf8'));
    expect(() => openNote(other.bundle.log.checkpoint, other.options.logKey)).toThrow('not signed');
  });
});
