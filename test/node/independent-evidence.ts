/**
 * A second verifier of evidence bundles that shares no code with worker/:
 * @simplewebauthn/server's verifyAuthenticationResponse for the assertion,
 * and RFC 9162 inclusion and the C2SP note signature written out here with
 * node:crypto. Used on the published vectors (test/node/evidence-independent.test.ts)
 * and on a bundle the running service served (test/e2e/evidence). Throws
 * saying what failed; resolves when the bundle holds.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { verifyAuthenticationResponse } from '@simplewebauthn/server';
import canonicalize from 'canonicalize';

export const sha256 = (...parts: (Buffer | string)[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
export const jcs = (v: unknown) => canonicalize(v) as string;

/** RFC 9162 §2.1.3.2, the root an inclusion proof leads to. */
export function rootFromProof(leaf: Buffer, index: number, size: number, proof: Buffer[]): Buffer {
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
export function openNote(note: string, verifierKey: string): string {
  const [name, hashHex, keyB64] = verifierKey.split('+') as [string, string, string];
  const key = Buffer.from(keyB64, 'base64');
  if (key[0] !== 1) throw new Error('not an Ed25519 note key');
  if (sha256(`${name}\n`, key).subarray(0, 4).toString('hex') !== hashHex) throw new Error('the key hash does not match the key');
  const split = note.lastIndexOf('\n\n');
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2).trimEnd().split('\n');
  const ours = lines.map((l) => Buffer.from(l.slice(`\u2014 ${name} `.length), 'base64')).filter((_, i) => lines[i]!.startsWith(`\u2014 ${name} `));
  const spki = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), key.subarray(1)]), format: 'der', type: 'spki' });
  const signed = ours.some((sig) => sig.subarray(0, 4).toString('hex') === hashHex && verify(null, Buffer.from(text), spki, sig.subarray(4)));
  if (!signed) throw new Error('the note is not signed by the pinned key');
  return text;
}

const check = (ok: boolean, why: string) => {
  if (!ok) throw new Error(why);
};

/** The passkey signed this statement for this action, and the log holds both entries under the pinned key. */
export async function verifyIndependently(bundle: any, options: { rpId: string; origins: string[]; logKey: string }): Promise<void> {
  const challenge = sha256(jcs(bundle.statement)).toString('base64url');
  const result = await verifyAuthenticationResponse({
    response: bundle.assertion,
    expectedChallenge: challenge,
    expectedOrigin: options.origins,
    expectedRPID: options.rpId,
    requireUserVerification: true,
    credential: { id: bundle.credential.id, publicKey: Buffer.from(bundle.credential.publicKey, 'base64url'), counter: 0 },
  });
  check(result.verified, 'the assertion does not verify');
  check(bundle.statement.act === sha256(jcs(bundle.action)).toString('base64url'), 'act is not the hash of the action');

  const text = openNote(bundle.log.checkpoint, options.logKey);
  const [origin, size, root] = text.trimEnd().split('\n') as [string, string, string];
  check(origin === `${options.logKey.split('+')[0]}/${sha256(bundle.statement.sub).toString('base64url')}`, "the checkpoint is not this user's log");
  const entries = [bundle.log.approved, ...(bundle.log.enrolled ? [bundle.log.enrolled] : [])];
  for (const { index, entry, proof } of entries) {
    const leaf = sha256(Buffer.from([0]), jcs(entry));
    const computed = rootFromProof(leaf, index, Number(size), proof.map((p: string) => Buffer.from(p, 'base64')));
    check(computed.toString('base64') === root, `entry ${index} is not in the tree`);
  }
  check(bundle.log.approved.entry.challenge === challenge, "the approved entry's challenge is not the statement's");
  if (bundle.log.enrolled) check(bundle.log.enrolled.entry.key === sha256(Buffer.from(bundle.credential.publicKey, 'base64url')).toString('base64url'), "the enrolled entry's key is not the credential's");
}
