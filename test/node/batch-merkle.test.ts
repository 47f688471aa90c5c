/**
 * The batch root and proofs against an RFC 9162 implementation written here,
 * from the RFC's recursive definitions (§2.1.1 MTH, §2.1.3.1 PATH), with
 * node:crypto: nothing shared with the log's tree but the definitions (independent-merkle.ts).
 */
import { describe, expect, it } from 'vitest';
import { batchProof, batchRoot } from '../../packages/psea/src/receipt/index.ts';
import {
  MemoryLogStore,
  MerkleTree,
  entryBytes,
  hashLeaf,
  verifyInclusion,
} from '../../packages/psea/src/log/index.ts';
import { sha256 } from '@noble/hashes/sha2.js';
import { leafOf, mth, path } from './independent-merkle.ts';

const b64url = (b: Buffer) => b.toString('base64url');
const items = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    type: 'wire.transfer',
    amount: `${i}.${i % 100}`,
    currency: i % 3 ? 'EUR' : 'USD',
    to: `DE${i}`,
    memo: { ü: [i] },
  }));

describe('batch root', () => {
  it.each([1, 2, 3, 5, 7, 8, 9, 31, 64, 100, 1000])(
    'equals an independent RFC 9162 head over %i items',
    (n) => {
      const list = items(n);
      expect(batchRoot(list)).toBe(b64url(mth(list.map(leafOf))));
    },
  );

  it("equals the log's own tree over the same leaves", () => {
    const list = items(77);
    const tree = new MerkleTree(new MemoryLogStore(), sha256);
    for (const item of list) tree.append(hashLeaf(sha256, entryBytes(item)));
    expect(batchRoot(list)).toBe(Buffer.from(tree.root()).toString('base64url'));
  });

  it('hashes JCS: key order does not change the root, values do', () => {
    const a = [{ type: 't', b: 1, a: 'x' }];
    expect(batchRoot(a)).toBe(batchRoot([{ a: 'x', type: 't', b: 1 }]));
    expect(batchRoot(a)).not.toBe(batchRoot([{ type: 't', b: 2, a: 'x' }]));
  });

  it('depends on order', () => {
    const list = items(4);
    expect(batchRoot(list)).not.toBe(batchRoot([list[1], list[0], list[2], list[3]]));
  });
});

describe('batch proof', () => {
  it.each([
    [1, 0],
    [2, 1],
    [5, 4],
    [7, 3],
    [8, 0],
    [100, 37],
    [1000, 999],
  ])('of %i items at %i is the independent PATH', async (n, m) => {
    const list = items(n);
    const leaves = list.map(leafOf);
    const proof = batchProof(list, m);
    expect(proof).toEqual(path(m, leaves).map((b) => b.toString('base64')));
    // And the log's verifier leads it to the root.
    await verifyInclusion(
      new Uint8Array(leaves[m]!),
      m,
      n,
      proof.map((p) => new Uint8Array(Buffer.from(p, 'base64'))),
      new Uint8Array(mth(leaves)),
    );
  });

  it('refuses an index outside the list', () => {
    expect(() => batchProof(items(3), 3)).toThrow(/index/);
    expect(() => batchProof(items(3), -1)).toThrow(/index/);
    expect(() => batchProof(items(3), 1.5)).toThrow(/index/);
    expect(() => batchRoot([])).toThrow(/1 to 10000/);
  });
});
