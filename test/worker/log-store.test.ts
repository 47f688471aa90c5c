/**
 * The log on Durable Object SQLite (worker/vault/storage/log-sql-store.ts), inside
 * workerd: synchronous all the way, so an append commits or rolls back with
 * the transaction around it; 10,000 appends that each read O(log n) rows;
 * and proofs from it that the WebCrypto verifier accepts. The tables are
 * made in a fresh UserVault object's storage, which nothing else uses.
 */
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import {
  encodeBase64,
  hashLeaf,
  leafHashOf,
  MemoryLogStore,
  TransparencyLog,
  verifyConsistency,
  verifyInclusion,
  type LogEntry,
  type Sha256,
} from '../../packages/psea/src/log/index.ts';
import { LOG_SCHEMA, SqlLogStore, type SqlLike } from '../../worker/vault/storage/log-sql-store.ts';
import { newUserId } from './harness';

// workerd has no synchronous SHA-256 of its own. The test pool runs with
// nodejs_compat, whose node:crypto has one; the service plugs in its own.
const nodeCrypto = 'node:crypto';
const { createHash } = (await import(/* @vite-ignore */ nodeCrypto)) as {
  createHash(alg: 'sha256'): { update(data: Uint8Array): { digest(): Uint8Array } };
};
const sha256: Sha256 = (data) => new Uint8Array(createHash('sha256').update(data).digest());

const entry = (i: number): LogEntry => ({
  v: 1,
  kind: 'failed',
  at: 1767225600 + i,
  sub: 'log-test',
  challenge: `c${i}`,
  code: 'signature_invalid',
});

/** `sql`, counting the statements and SQLite rows read of every query this store runs. */
function counting(sql: SqlStorage) {
  const count = { queries: 0, rowsRead: 0 };
  const wrapped: SqlLike = {
    exec(query, ...bindings) {
      const cursor = sql.exec(query, ...bindings);
      return {
        toArray() {
          const rows = cursor.toArray();
          count.queries++;
          count.rowsRead += cursor.rowsRead;
          return rows;
        },
      };
    },
  };
  return { sql: wrapped, count };
}

const inObject = <T>(work: (state: DurableObjectState) => T | Promise<T>) =>
  runInDurableObject(env.VAULT.get(env.VAULT.idFromName(newUserId())), (_vault, state) =>
    work(state),
  );

describe('SqlLogStore in a Durable Object', () => {
  it('appends 10,000 entries, each in its own transactionSync, reading O(log n) rows', () =>
    inObject(async (state) => {
      state.storage.sql.exec(LOG_SCHEMA);
      const { sql, count } = counting(state.storage.sql);
      const log = new TransparencyLog(new SqlLogStore(sql), sha256);
      const memory = new TransparencyLog(new MemoryLogStore(), sha256);
      let most = { queries: 0, rowsRead: 0 };
      for (let i = 0; i < 10_000; i++) {
        count.queries = count.rowsRead = 0;
        const appended = state.storage.transactionSync(() => log.append(entry(i)));
        expect(appended.index).toBe(i); // a value, not a promise: nothing in append awaits
        memory.append(entry(i));
        const bound = Math.floor(Math.log2(i + 1)) + 1;
        expect(count.queries).toBeLessThanOrEqual(bound);
        expect(count.rowsRead).toBeLessThanOrEqual(bound);
        most = {
          queries: Math.max(most.queries, count.queries),
          rowsRead: Math.max(most.rowsRead, count.rowsRead),
        };
      }
      expect(most).toEqual({ queries: 14, rowsRead: 14 });

      expect(log.size()).toBe(10_000);
      expect(encodeBase64(log.root())).toBe(encodeBase64(memory.root()));
      for (const [index, size] of [
        [0, 10_000],
        [4242, 10_000],
        [9999, 10_000],
        [5, 6],
        [8191, 8192],
      ] as const) {
        count.queries = count.rowsRead = 0;
        const proof = log.inclusionProof(index, size);
        expect(count.rowsRead).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(size)) + 1);
        await verifyInclusion(
          await leafHashOf(log.entries(index, index + 1)[0]!.entry),
          index,
          size,
          proof,
          log.root(size),
        );
      }
      for (const [from, size] of [
        [1, 10_000],
        [3333, 10_000],
        [9999, 10_000],
        [4096, 8191],
      ] as const) {
        count.queries = count.rowsRead = 0;
        const proof = log.consistencyProof(from, size);
        expect(count.rowsRead).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(size)) + 1);
        await verifyConsistency(from, size, proof, log.root(from), log.root(size));
      }
      expect(log.entries(9998, 10_005).map((e) => e.index)).toEqual([9998, 9999]);
    }));

  it('leaves no trace of an append whose transaction rolls back', () =>
    inObject((state) => {
      state.storage.sql.exec(LOG_SCHEMA);
      const log = new TransparencyLog(new SqlLogStore(state.storage.sql), sha256);
      for (let i = 0; i < 3; i++) state.storage.transactionSync(() => log.append(entry(i)));
      const root = encodeBase64(log.root());
      expect(() =>
        state.storage.transactionSync(() => {
          log.append(entry(3)); // writes leaf 3 and the subtrees it completes: (1, 1) and (2, 0)
          throw new Error('the state change failed');
        }),
      ).toThrow('the state change failed');
      expect(log.size()).toBe(3);
      expect(encodeBase64(log.root())).toBe(root);
      expect(
        state.storage.sql.exec('SELECT level, idx FROM log_nodes WHERE level > 0').toArray(),
      ).toEqual([{ level: 1, idx: 0 }]);
      expect(log.entries(0, 10).length).toBe(3);
      expect(state.storage.transactionSync(() => log.append(entry(3))).index).toBe(3);
    }));

  it('never rewrites a node or an entry', () =>
    inObject((state) => {
      state.storage.sql.exec(LOG_SCHEMA);
      const store = new SqlLogStore(state.storage.sql);
      new TransparencyLog(store, sha256).append(entry(0));
      const leaf = store.get(0, 0)!;
      expect(encodeBase64(leaf)).toBe(
        encodeBase64(hashLeaf(sha256, new TextEncoder().encode(store.getEntries(0, 1)[0]))),
      );
      expect(() => store.put(0, 0, new Uint8Array(32))).toThrow(/UNIQUE|PRIMARY KEY|constraint/i);
      expect(() => store.putEntry(0, '{}')).toThrow(/UNIQUE|PRIMARY KEY|constraint/i);
      expect(encodeBase64(store.get(0, 0)!)).toBe(encodeBase64(leaf));
      expect(store.get(0, 1)).toBeUndefined();
    }));
});
