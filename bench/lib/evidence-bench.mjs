/**
 * Figure 7 (issue 16), in Node, no servers up:
 * - 7b: verifyEvidence (psea/evidence) on a published valid vector against a
 *   bare @simplewebauthn/server verifyAuthenticationResponse of the same
 *   assertion (the one check a backend would make without evidence), in the
 *   same rounds, alternating which runs first; with and without the receipt
 *   check (jwks), and on the one-link custody vector (a passkey added by
 *   another's approval: one more assertion, two more inclusion proofs).
 * - 7c: a log of 10^6 entries (the tree over a memory store, leaves hashed
 *   with @noble/hashes): an inclusion proof's size, the time to make one
 *   (store reads) and to verify one (WebCrypto), medians over many leaves.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { verifyAuthenticationResponse } from '@simplewebauthn/server';
import { median } from './load.mjs';

export async function evidenceBench(
  lib,
  root,
  { rounds = 9, iterations = 300, logSize = 1_000_000, proofs = 2000 } = {},
) {
  const vector = JSON.parse(
    await readFile(join(root, 'test/vectors/evidence/valid-es256-device-bound.json'), 'utf8'),
  );
  const { bundle, options } = vector;
  const clientData = JSON.parse(
    Buffer.from(bundle.assertion.response.clientDataJSON, 'base64url').toString(),
  );
  const credential = {
    id: bundle.credential.id,
    publicKey: new Uint8Array(Buffer.from(bundle.credential.publicKey, 'base64url')),
    counter: 0,
  };
  const bare = () =>
    verifyAuthenticationResponse({
      response: bundle.assertion,
      expectedChallenge: clientData.challenge,
      expectedOrigin: options.origins,
      expectedRPID: options.rpId,
      credential,
      requireUserVerification: true,
    });
  const { jwks, ...withoutJwks } = options;
  const oneLink = JSON.parse(
    await readFile(join(root, 'test/vectors/evidence/valid-custody-one-link.json'), 'utf8'),
  );
  const subjects = {
    bare,
    verifyEvidence: () => lib.verifyEvidence(bundle, options),
    verifyEvidenceNoReceipt: () => lib.verifyEvidence(bundle, withoutJwks),
    verifyEvidenceOneLink: () => lib.verifyEvidence(oneLink.bundle, oneLink.options),
  };
  void jwks;
  for (const [name, f] of Object.entries(subjects)) {
    const r = await f();
    if (name === 'bare' ? !r.verified : !r.ok)
      throw new Error(`figure 7: ${name} does not pass on the valid vector`);
  }
  const times = Object.fromEntries(Object.keys(subjects).map((k) => [k, []]));
  for (const f of Object.values(subjects)) for (let i = 0; i < 50; i++) await f();
  const names = Object.keys(subjects);
  for (let r = 0; r < rounds; r++) {
    for (const name of r % 2 ? [...names].reverse() : names) {
      const t0 = performance.now();
      for (let i = 0; i < iterations; i++) await subjects[name]();
      times[name].push(((performance.now() - t0) * 1000) / iterations);
    }
  }
  const usPerCall = Object.fromEntries(names.map((k) => [k, median(times[k])]));

  // 7c: 10^6 leaves, appended as hashes (what the tree stores; an entry's JCS is per append, not per proof).
  const tree = new lib.MerkleTree(new lib.MemoryLogStore(), (d) => sha256(d));
  const leaf = new Uint8Array(33);
  const t0 = performance.now();
  for (let i = 0; i < logSize; i++) {
    new DataView(leaf.buffer).setUint32(1, i);
    tree.append(sha256(leaf));
  }
  const buildS = (performance.now() - t0) / 1000;
  const treeRoot = tree.root();
  const make = [];
  const check = [];
  let hashes = 0;
  let wireBytes = 0;
  for (let k = 0; k < proofs; k++) {
    const index = Math.floor(((k + 0.5) / proofs) * logSize);
    new DataView(leaf.buffer).setUint32(1, index);
    const t1 = performance.now();
    const proof = tree.inclusionProof(index);
    const t2 = performance.now();
    await lib.verifyInclusion(sha256(leaf), index, logSize, proof, treeRoot);
    const t3 = performance.now();
    make.push((t2 - t1) * 1000);
    check.push((t3 - t2) * 1000);
    hashes = Math.max(hashes, proof.length);
    wireBytes = Math.max(wireBytes, JSON.stringify(lib.encodeHashes(proof)).length);
  }
  return {
    rounds,
    iterations,
    usPerCall,
    proof: {
      logSize,
      proofs,
      buildS,
      hashes,
      bytes: hashes * 32,
      wireBytes,
      makeUs: median(make),
      verifyUs: median(check),
    },
  };
}
