/**
 * One user's log (packages/psea/src/log/transparency-log.ts): entries hashed in their
 * JCS form whatever their key order, kept as the exact text hashed, pages
 * bounded, and nothing ever rewritten.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  encodeBase64,
  entryBytes,
  leafHashOf,
  MAX_ENTRIES_PER_READ,
  MemoryLogStore,
  TransparencyLog,
  verifyInclusion,
  type LogEntry,
  type Sha256,
} from '../../packages/psea/src/log/index.ts';

const sha256: Sha256 = (data) => new Uint8Array(createHash('sha256').update(data).digest());

const enrolled: LogEntry = {
  v: 1,
  kind: 'enrolled',
  at: 1767225600,
  sub: 'user-1',
  cred: 'AAEC',
  key: 'k',
  aaguid: '00000000-0000-0000-0000-000000000000',
  attested: false,
  approvedBy: 'first',
};
const approved: LogEntry = {
  v: 1,
  kind: 'approved',
  at: 1767225700,
  sub: 'user-1',
  cred: 'AAEC',
  challenge: 'c',
  act: 'a',
  aud: 'payments',
  jti: 'j',
};

describe('TransparencyLog', () => {
  it('hashes the JCS form, so key order does not change a leaf', async () => {
    const store = new MemoryLogStore();
    const log = new TransparencyLog(store, sha256);
    const shuffled = Object.fromEntries(Object.entries(approved).reverse()) as LogEntry;
    const a = log.append(approved);
    const b = log.append(shuffled);
    expect(encodeBase64(a.leafHash)).toBe(encodeBase64(b.leafHash));
    expect(encodeBase64(a.leafHash)).toBe(encodeBase64(await leafHashOf(shuffled))); // the verifier's WebCrypto hash agrees
    expect(store.getEntries(0, 1)).toEqual([
      '{"act":"a","at":1767225700,"aud":"payments","challenge":"c","cred":"AAEC","jti":"j","kind":"approved","sub":"user-1","v":1}',
    ]);
    expect(new TextDecoder().decode(entryBytes(shuffled))).toBe(store.getEntries(1, 2)[0]);
  });

  it('serves entries with their indexes, and each is provably in the tree', async () => {
    const log = new TransparencyLog(new MemoryLogStore(), sha256);
    for (let i = 0; i < 10; i++) log.append(i % 2 ? approved : enrolled);
    expect(log.size()).toBe(10);
    const page = log.entries(3, 20);
    expect(page.map((e) => e.index)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(page[0]!.entry).toEqual(approved);
    for (const { index, entry } of page)
      await verifyInclusion(
        await leafHashOf(entry),
        index,
        10,
        log.inclusionProof(index),
        log.root(),
      );
    expect(log.entries(10, 12)).toEqual([]);
  });

  it('bounds a read and refuses a range that is not one', () => {
    const log = new TransparencyLog(new MemoryLogStore(), sha256);
    expect(() => log.entries(0, MAX_ENTRIES_PER_READ + 1)).toThrow(
      expect.objectContaining({ code: 'out_of_range' }),
    );
    for (const [start, end] of [
      [-1, 2],
      [5, 4],
      [0.5, 2],
      [0, Infinity],
    ]) {
      expect(() => log.entries(start!, end!), `[${start}, ${end})`).toThrow(
        expect.objectContaining({ code: 'out_of_range' }),
      );
    }
  });

  it('writes nothing for an entry with no JSON form', () => {
    const store = new MemoryLogStore();
    const log = new TransparencyLog(store, sha256);
    expect(() => log.append({ ...approved, at: Number.NaN })).toThrow(
      expect.objectContaining({ code: 'invalid_json' }),
    );
    expect(log.size()).toBe(0);
    expect(store.getEntries(0, 1)).toEqual([]);
  });
});

describe('MemoryLogStore', () => {
  it('is append-only: a node or entry is never written twice', () => {
    const store = new MemoryLogStore();
    store.put(0, 0, new Uint8Array(32));
    store.putEntry(0, '{}');
    expect(() => store.put(0, 0, new Uint8Array(32).fill(1))).toThrow(/already stored/);
    expect(() => store.putEntry(0, '{"x":1}')).toThrow(/already stored/);
    expect(store.get(0, 0)).toEqual(new Uint8Array(32));
    expect(store.getEntries(0, 1)).toEqual(['{}']);
  });

  it('keeps its own copy of a hash', () => {
    const store = new MemoryLogStore();
    const hash = new Uint8Array(32);
    store.put(0, 0, hash);
    hash[0] = 9;
    expect(store.get(0, 0)![0]).toBe(0);
  });
});
