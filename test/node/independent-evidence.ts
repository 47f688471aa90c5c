/**
 * A second verifier of evidence bundles that shares no code with worker/:
 * @simplewebauthn/server's verifyAuthenticationResponse for the assertion,
 * and RFC 9162 inclusion and the C2SP note signature written out here with
 * node:crypto. Used on the published vectors (test/node/evidence-independent.test.ts)
 * and on a bundle the running service served (test/e2e/evidence). Throws
 * saying what failed; resolves when the bundle holds, its chain of custody
 * included (RFC 9162 consistency written out here too, for the anchoring).
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
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
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
  // <name>+<hash>+<key>: the name holds no '+', but standard base64 may.
  const [name, hashHex, ...rest] = verifierKey.split('+') as [string, string, ...string[]];
  const keyB64 = rest.join('+');
  const key = Buffer.from(keyB64, 'base64');
  if (key[0] !== 1) throw new Error('not an Ed25519 note key');
  if (sha256(`${name}\n`, key).subarray(0, 4).toString('hex') !== hashHex)
    throw new Error('the key hash does not match the key');
  const split = note.lastIndexOf('\n\n');
  const text = note.slice(0, split + 1);
  const lines = note
    .slice(split + 2)
    .trimEnd()
    .split('\n');
  const ours = lines
    .map((l) => Buffer.from(l.slice(`\u2014 ${name} `.length), 'base64'))
    .filter((_, i) => lines[i]!.startsWith(`\u2014 ${name} `));
  const spki = createPublicKey({
    key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), key.subarray(1)]),
    format: 'der',
    type: 'spki',
  });
  const signed = ours.some(
    (sig) =>
      sig.subarray(0, 4).toString('hex') === hashHex &&
      verify(null, Buffer.from(text), spki, sig.subarray(4)),
  );
  if (!signed) throw new Error('the note is not signed by the pinned key');
  return text;
}

/** RFC 9162 §2.1.4.2: the tree of `second` leaves extends the tree of `first`. */
export function consistent(
  first: number,
  second: number,
  proof: Buffer[],
  firstRoot: Buffer,
  secondRoot: Buffer,
): boolean {
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  if (first === 0) return proof.length === 0;
  if (first > second || proof.length === 0) return false;
  const path = (first & (first - 1)) === 0 ? [firstRoot, ...proof] : proof;
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = sha256(Buffer.from([1]), c, fr);
      sr = sha256(Buffer.from([1]), c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = sha256(Buffer.from([1]), sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(firstRoot) && sr.equals(secondRoot);
}

const check = (ok: boolean, why: string) => {
  if (!ok) throw new Error(why);
};

export interface IndependentOptions {
  rpId: string;
  origins: string[];
  logKey: string;
  knownCheckpoint?: string;
  custodyRoots?: string[];
  allowUnanchored?: boolean;
}

/**
 * The passkey signed this statement for this action, the log holds both entries under the pinned
 * key, and a chain of signed approvals leads from the passkey's enrollment to a root the caller
 * accepts, in the tree of the checkpoint it kept.
 */
export async function verifyIndependently(bundle: any, options: IndependentOptions): Promise<void> {
  const challenge = sha256(jcs(bundle.statement)).toString('base64url');
  const result = await verifyAuthenticationResponse({
    response: bundle.assertion,
    expectedChallenge: challenge,
    expectedOrigin: options.origins,
    expectedRPID: options.rpId,
    requireUserVerification: true,
    credential: {
      id: bundle.credential.id,
      publicKey: Buffer.from(bundle.credential.publicKey, 'base64url'),
      counter: 0,
    },
  });
  check(result.verified, 'the assertion does not verify');
  check(
    bundle.statement.act === sha256(jcs(bundle.action)).toString('base64url'),
    'act is not the hash of the action',
  );

  const text = openNote(bundle.log.checkpoint, options.logKey);
  const [origin, size, root] = text.trimEnd().split('\n') as [string, string, string];
  check(
    origin ===
      `${options.logKey.split('+')[0]}/${sha256(bundle.statement.sub).toString('base64url')}`,
    "the checkpoint is not this user's log",
  );
  const inTree = ({ index, entry, proof }: any) => {
    const leaf = sha256(Buffer.from([0]), jcs(entry));
    const computed = rootFromProof(
      leaf,
      index,
      Number(size),
      proof.map((p: string) => Buffer.from(p, 'base64')),
    );
    check(computed.toString('base64') === root, `entry ${index} is not in the tree`);
  };
  check(!!bundle.log.enrolled, 'the bundle has no enrolled entry');
  inTree(bundle.log.approved);
  inTree(bundle.log.enrolled);
  check(
    bundle.log.approved.entry.challenge === challenge,
    "the approved entry's challenge is not the statement's",
  );
  const keyHash = (b64: string) => sha256(Buffer.from(b64, 'base64url')).toString('base64url');
  check(
    bundle.log.enrolled.entry.key === keyHash(bundle.credential.publicKey),
    "the enrolled entry's key is not the credential's",
  );
  check(
    bundle.log.enrolled.entry.cred === bundle.credential.id,
    'the enrolled entry is of another credential',
  );
  check(
    bundle.log.enrolled.index < bundle.log.approved.index,
    'the enrollment is not logged before the approval',
  );

  // The chain of custody: each approver signed the addition of exactly the entry before it.
  const sub = bundle.statement.sub;
  check(Array.isArray(bundle.custody), 'the bundle has no custody');
  let added = bundle.log.enrolled;
  for (const link of bundle.custody) {
    const approver = link.approver?.enrolled;
    check(!!approver, 'a link has no approver entry');
    inTree(approver);
    check(
      approver.entry.kind === 'enrolled' &&
        approver.entry.sub === sub &&
        approver.entry.cred === link.approver.id,
      "a link's approver entry is not the approver's",
    );
    check(
      approver.entry.key === keyHash(link.approver.publicKey),
      "a link's approver entry logs another key",
    );
    check(approver.index < added.index, "a link's approver is logged after the entry it approved");
    check(
      link.added === added.entry.cred && added.entry.approvedBy === link.approver.id,
      'a link does not join its entries',
    );
    check(
      Object.keys(link.statement).sort().join() === 'act,aud,dsp,iss,nonce,sub,v' &&
        link.statement.aud === 'psea' &&
        link.statement.sub === sub,
      "a link's statement is not a psea statement of this user",
    );
    const action = {
      type: 'psea.credential.add',
      user: sub,
      cred: added.entry.cred,
      key: added.entry.key,
      aaguid: added.entry.aaguid,
    };
    check(
      link.statement.act === sha256(jcs(action)).toString('base64url'),
      "a link's statement adds another credential",
    );
    const linkChallenge = sha256(jcs(link.statement)).toString('base64url');
    check(
      added.entry.approval?.challenge === linkChallenge,
      "a link's statement is not the approval its entry names",
    );
    const signed = await verifyAuthenticationResponse({
      response: link.assertion,
      expectedChallenge: linkChallenge,
      expectedOrigin: options.origins,
      expectedRPID: options.rpId,
      requireUserVerification: true,
      credential: {
        id: link.approver.id,
        publicKey: Buffer.from(link.approver.publicKey, 'base64url'),
        counter: 0,
      },
    });
    check(signed.verified, "a link's assertion does not verify");
    added = approver;
  }
  const kind = added.entry.approvedBy;
  check(
    (options.custodyRoots ?? ['first']).includes(kind) && added.entry.approval === undefined,
    `the chain ends at ${kind}, not an accepted root`,
  );
  check(kind !== 'first' || added.index === 0, 'a first enrollment not at index 0');
  if (options.knownCheckpoint === undefined)
    return check(!!options.allowUnanchored, 'the root is not anchored');
  const [knownOrigin, knownSize, knownRoot] = openNote(options.knownCheckpoint, options.logKey)
    .trimEnd()
    .split('\n') as [string, string, string];
  check(
    knownOrigin === origin && Number(knownSize) > added.index,
    'the known checkpoint does not cover the root',
  );
  const from = Number(knownSize);
  const proof =
    from === Number(size) && !bundle.log.consistency
      ? []
      : bundle.log.consistency?.from === from
        ? bundle.log.consistency.proof
        : undefined;
  check(proof !== undefined, 'no consistency proof from the known checkpoint');
  const b64 = (x: string) => Buffer.from(x, 'base64');
  check(
    consistent(from, Number(size), proof.map(b64), b64(knownRoot), b64(root)),
    'the log does not extend the known checkpoint',
  );
}
