/**
 * The log's Merkle tree (packages/psea/src/log): hashing, roots and proofs against the
 * published RFC 6962 reference tree and a real Certificate Transparency log,
 * against the RFC's own recursive definitions for every m ≤ n ≤ 64, and
 * against every way an attacker could bend a proof.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decodeBase64,
  emptyRoot,
  hashChildren,
  hashLeaf,
  MemoryLogStore,
  MerkleTree,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
  type Sha256,
} from '../../packages/psea/src/log/index.ts';
import * as argon from '../vectors/ct-argon2020.ts';
import {
  CONSISTENCY_PROOFS,
  HASHER,
  INCLUSION_PROOFS,
  LEAVES,
  ROOTS,
  SOME_HASH,
} from '../vectors/merkle-rfc6962.ts';

const sha256: Sha256 = (data) => new Uint8Array(createHash('sha256').update(data).digest());
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const unhex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));
const b64 = (text: string) => decodeBase64(text)!;
const ascii = (text: string) => new TextEncoder().encode(text);

function treeOf(leafInputs: Uint8Array[]): MerkleTree {
  const tree = new MerkleTree(new MemoryLogStore(), sha256);
  for (const input of leafInputs) tree.append(hashLeaf(sha256, input));
  return tree;
}

const reference = treeOf(LEAVES.map(unhex));
const refLeaf = (i: number) => hashLeaf(sha256, unhex(LEAVES[i]!));
const refRoot = (n: number) => unhex(ROOTS[n - 1]!);

async function expectInvalid(check: Promise<unknown>): Promise<void> {
  await expect(check).rejects.toMatchObject({ name: 'LogError', code: 'proof_invalid' });
}

describe('hashing (RFC 6962 §2.1)', () => {
  it('matches the reference hasher', () => {
    expect(hex(emptyRoot(sha256))).toBe(HASHER.emptyRoot);
    expect(hex(hashLeaf(sha256, new Uint8Array()))).toBe(HASHER.emptyLeaf);
    expect(hex(hashLeaf(sha256, ascii('L123456')))).toBe(HASHER.leafL123456);
    expect(hex(hashChildren(sha256, ascii('N123'), ascii('N456')))).toBe(HASHER.nodeN123N456);
  });

  it('keeps a leaf from passing for the node over the same bytes', () => {
    const [a, b] = [hashLeaf(sha256, ascii('Hello')), hashLeaf(sha256, ascii('World'))];
    const both = new Uint8Array([...a, ...b]);
    expect(hex(hashChildren(sha256, a, b))).not.toBe(hex(hashLeaf(sha256, both)));
    expect(hex(hashChildren(sha256, a, b))).not.toBe(hex(hashChildren(sha256, b, a)));
  });
});

describe('the reference tree of 8 leaves', () => {
  it('has the published root at every size', () => {
    expect(hex(reference.root(0))).toBe(HASHER.emptyRoot);
    for (let n = 1; n <= 8; n++) expect(hex(reference.root(n)), `size ${n}`).toBe(ROOTS[n - 1]);
    expect(hex(reference.root())).toBe(ROOTS[7]);
  });

  it('makes the published inclusion proofs, and they verify', async () => {
    for (const { index, size, proof } of INCLUSION_PROOFS) {
      expect(reference.inclusionProof(index, size).map(hex), `${index} in ${size}`).toEqual(proof);
      await verifyInclusion(refLeaf(index), index, size, proof.map(unhex), refRoot(size));
    }
  });

  it('makes the published consistency proofs, and they verify', async () => {
    for (const { from, size, proof } of CONSISTENCY_PROOFS) {
      expect(reference.consistencyProof(from, size).map(hex), `${from} to ${size}`).toEqual(proof);
      await verifyConsistency(from, size, proof.map(unhex), refRoot(from), refRoot(size));
    }
  });

  it('refuses every bent inclusion proof', async () => {
    const some = unhex(SOME_HASH);
    for (const { index, size, proof: text } of INCLUSION_PROOFS.filter((p) => p.proof.length > 0)) {
      const [leaf, root, proof] = [refLeaf(index), refRoot(size), text.map(unhex)];
      const probes: [number, number, Uint8Array, Uint8Array[], Uint8Array][] = [
        [index - 1, size, leaf, proof, root],
        [index + 1, size, leaf, proof, root],
        [index + 2, size, leaf, proof, root],
        [index, size * 2, leaf, proof, root],
        [index, Math.floor(size / 2), leaf, proof, root],
        [index, size, ascii('WrongLeaf'), proof, root],
        [index, size, some, proof, root],
        [index, size, leaf, proof, emptyRoot(sha256)],
        [index, size, leaf, proof, some],
        [index, size, leaf, [...proof, new Uint8Array()], root],
        [index, size, leaf, [...proof, root], root],
        [index, size, leaf, [new Uint8Array(), ...proof], root],
        [index, size, leaf, [root, ...proof], root],
        [index, size, leaf, proof.slice(0, -1), root],
        [index, size, leaf, [proof[0]!, some, ...proof.slice(1)], root],
        ...proof.map((_, i): [number, number, Uint8Array, Uint8Array[], Uint8Array] => {
          const bent = proof.map((h) => h.slice());
          bent[i]![0]! ^= 8;
          return [index, size, leaf, bent, root];
        }),
      ];
      for (const [i, n, l, p, r] of probes) await expectInvalid(verifyInclusion(l, i, n, p, r));
    }
  });

  it('refuses every bent consistency proof', async () => {
    for (const { from, size, proof: text } of CONSISTENCY_PROOFS.filter(
      (p) => p.proof.length > 0,
    )) {
      const [r1, r2, proof] = [refRoot(from), refRoot(size), text.map(unhex)];
      const probes: [number, number, Uint8Array[], Uint8Array, Uint8Array][] = [
        [from - 1, size, proof, r1, r2],
        [from + 1, size, proof, r1, r2],
        [from ^ 2, size, proof, r1, r2],
        [from, size * 2, proof, r1, r2],
        [from, Math.floor(size / 2), proof, r1, r2],
        [from, size, proof, ascii('WrongRoot'), r2],
        [from, size, proof, r1, ascii('WrongRoot')],
        [from, size, proof, r2, r1],
        [from, size, [], r1, r2],
        [from, size, [...proof, new Uint8Array()], r1, r2],
        [from, size, [...proof, r1], r1, r2],
        [from, size, [...proof, r2], r1, r2],
        [from, size, [new Uint8Array(), ...proof], r1, r2],
        [from, size, [r1, ...proof], r1, r2],
        [from, size, [r2, ...proof], r1, r2],
        [from, size, [proof[0]!, ...proof], r1, r2],
        [from, size, proof.slice(0, -1), r1, r2],
        ...proof.map((_, i): [number, number, Uint8Array[], Uint8Array, Uint8Array] => {
          const bent = proof.map((h) => h.slice());
          bent[i]![0]! ^= 16;
          return [from, size, bent, r1, r2];
        }),
      ];
      for (const [m, n, p, a, b] of probes) await expectInvalid(verifyConsistency(m, n, p, a, b));
    }
  });

  it('holds the edge cases of sizes 0 and equal sizes', async () => {
    const [r1, r2] = [refRoot(1), refRoot(2)];
    await verifyConsistency(0, 0, [], r1, r1);
    await verifyConsistency(0, 5, [], r1, r2);
    await verifyConsistency(3, 3, [], r1, r1);
    await expectInvalid(verifyConsistency(3, 3, [], r1, r2)); // one size, two roots: a fork
    await expectInvalid(verifyConsistency(3, 3, [r1], r1, r1));
    await expectInvalid(verifyConsistency(0, 5, [r1], r1, r2));
    await expectInvalid(verifyConsistency(2, 1, [], r1, r2)); // back in time
    for (const [index, size] of [
      [0, 0],
      [1, 0],
      [2, 1],
      [1.5, 4],
      [-1, 4],
      [0, Number.MAX_SAFE_INTEGER + 1],
    ] as const) {
      await expectInvalid(verifyInclusion(refLeaf(0), index, size, [], refLeaf(0)));
    }
  });
});

describe('a real Certificate Transparency log (Argon 2020)', () => {
  const leaf = hashLeaf(sha256, b64(argon.LEAF_INPUT));

  it('verifies its inclusion proof of leaf 10000 in a tree of 961,984,013', async () => {
    await verifyInclusion(
      leaf,
      argon.LEAF_INDEX,
      argon.STH.size,
      argon.INCLUSION.map(b64),
      b64(argon.STH.root),
    );
    const bent = argon.INCLUSION.map(b64);
    bent[29]![31]! ^= 1;
    await expectInvalid(
      verifyInclusion(leaf, argon.LEAF_INDEX, argon.STH.size, bent, b64(argon.STH.root)),
    );
    await expectInvalid(
      verifyInclusion(
        leaf,
        argon.LEAF_INDEX + 1,
        argon.STH.size,
        argon.INCLUSION.map(b64),
        b64(argon.STH.root),
      ),
    );
  });

  it('verifies its consistency proof from 3,654,490', async () => {
    await verifyConsistency(
      argon.OLD.size,
      argon.STH.size,
      argon.CONSISTENCY.map(b64),
      b64(argon.OLD.root),
      b64(argon.STH.root),
    );
    await expectInvalid(
      verifyConsistency(
        argon.OLD.size + 1,
        argon.STH.size,
        argon.CONSISTENCY.map(b64),
        b64(argon.OLD.root),
        b64(argon.STH.root),
      ),
    );
  });
});

/** RFC 9162 §2.1.1, §2.1.3.1, §2.1.4.1 read literally, over an array of leaf hashes: the oracle. */
function rfc(leaves: Uint8Array[]) {
  const memo = new Map<string, Uint8Array>();
  const split = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1);
  const mth = (lo: number, hi: number): Uint8Array => {
    const key = `${lo}:${hi}`;
    if (!memo.has(key)) {
      const n = hi - lo;
      memo.set(
        key,
        n === 0
          ? emptyRoot(sha256)
          : n === 1
            ? leaves[lo]!
            : hashChildren(sha256, mth(lo, lo + split(n)), mth(lo + split(n), hi)),
      );
    }
    return memo.get(key)!;
  };
  const path = (m: number, lo: number, hi: number): Uint8Array[] => {
    if (hi - lo <= 1) return [];
    const k = split(hi - lo);
    return m < k
      ? [...path(m, lo, lo + k), mth(lo + k, hi)]
      : [...path(m - k, lo + k, hi), mth(lo, lo + k)];
  };
  const subproof = (m: number, lo: number, hi: number, b: boolean): Uint8Array[] => {
    if (m === hi - lo) return b ? [] : [mth(lo, hi)];
    const k = split(hi - lo);
    return m <= k
      ? [...subproof(m, lo, lo + k, b), mth(lo + k, hi)]
      : [...subproof(m - k, lo + k, hi, false), mth(lo, lo + k)];
  };
  return { mth, path, subproof };
}

describe('every tree up to 64 leaves', () => {
  const inputs = Array.from({ length: 64 }, (_, i) => ascii(`leaf ${i}`));
  const leaves = inputs.map((d) => hashLeaf(sha256, d));
  const tree = treeOf(inputs);
  const oracle = rfc(leaves);

  it('has the RFC root and proofs at every m ≤ n ≤ 64, and the verifier accepts each', async () => {
    for (let n = 1; n <= 64; n++) {
      const root = tree.root(n);
      expect(hex(root)).toBe(hex(oracle.mth(0, n)));
      for (let i = 0; i < n; i++) {
        const proof = tree.inclusionProof(i, n);
        expect(proof.map(hex)).toEqual(oracle.path(i, 0, n).map(hex));
        await verifyInclusion(leaves[i]!, i, n, proof, root);
        expect(hex(await rootFromInclusionProof(leaves[i]!, i, n, proof))).toBe(hex(root));
      }
      for (let m = 0; m <= n; m++) {
        const proof = tree.consistencyProof(m, n);
        expect(proof.map(hex), `${m} to ${n}`).toEqual(
          m === 0 || m === n ? [] : oracle.subproof(m, 0, n, true).map(hex),
        );
        await verifyConsistency(m, n, proof, tree.root(m), root);
      }
    }
  });

  it('refuses a proof for a tree that was rewritten', async () => {
    // The same first 45 leaves, then others: a checkpoint at 40 still holds, one at 50 is caught.
    const forked = treeOf([
      ...inputs.slice(0, 45),
      ...inputs.slice(45).map((d) => ascii(`forged ${d}`)),
    ]);
    await verifyConsistency(40, 64, forked.consistencyProof(40), tree.root(40), forked.root());
    await expectInvalid(
      verifyConsistency(50, 64, forked.consistencyProof(50), tree.root(50), forked.root()),
    );
  });

  it('answers out_of_range for what the tree does not have', () => {
    for (const ask of [
      () => tree.root(65),
      () => tree.inclusionProof(64),
      () => tree.inclusionProof(5, 5),
      () => tree.inclusionProof(-1),
      () => tree.inclusionProof(1.5),
      () => tree.consistencyProof(10, 9),
      () => tree.consistencyProof(1, 65),
    ]) {
      expect(ask).toThrow(expect.objectContaining({ name: 'LogError', code: 'out_of_range' }));
    }
  });
});
