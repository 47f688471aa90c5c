/**
 * GET /v1/users/:id/log and /log/consistency (SPEC.md v2 "The log"): pages
 * with `end` exclusive and at most 1,000 entries, bad ranges 400, checkpoints
 * this user's, signed by the pinned key; and a 10,000-entry log in the
 * vault's own store that still appends and proves within its read bound.
 */
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { openCheckpoint, logOrigin } from '../../packages/psea/src/log/checkpoint';
import { decodeHashes } from '../../packages/psea/src/log/hash-wire';
import { parseSignerKey, verifierKeyOf } from '../../packages/psea/src/log/note-keys';
import {
  leafHashOf,
  verifyConsistency,
  verifyInclusion,
} from '../../packages/psea/src/log/verify-proofs';
import { VaultLog } from '../../worker/vault/storage/vault-log';
import type { UserVault } from '../../worker/vault/user-vault';
import { call, enroll, expectProblem, newUserId } from './harness';
import { vaultState } from '../../worker/vault/state-seam';

const pinned = () => verifierKeyOf(env.LOG_SIGNING_KEY!);

async function open(note: string, userId: string) {
  const key = await pinned();
  return (await openCheckpoint(note, [key], await logOrigin(key.split('+')[0]!, userId)))
    .checkpoint;
}

/** A user whose log holds `n` revoked entries after its enrollment, appended through the vault's own VaultLog. */
async function userWithEntries(n: number) {
  const userId = newUserId('log-routes');
  await enroll(userId);
  await runInDurableObject(
    env.VAULT.get(env.VAULT.idFromName(userId)),
    (vault: UserVault, state) => {
      const log = vaultState(vault).log;
      state.storage.transactionSync(() => {
        for (let i = 0; i < n; i++)
          log.append({ v: 1, kind: 'revoked', at: 1_767_225_600 + i, sub: userId, cred: `c${i}` });
      });
    },
  );
  return userId;
}

describe('GET /v1/users/:id/log', () => {
  it('a page [start, end) with its indexes and a checkpoint of this user under the pinned key', async () => {
    const userId = await userWithEntries(5);
    const r = await call('GET', `/v1/users/${userId}/log?start=2&end=4`);
    expect(r.status).toBe(200);
    expect(
      r.body.entries.map((e: { index: number; entry: { cred: string } }) => [
        e.index,
        e.entry.cred,
      ]),
    ).toEqual([
      [2, 'c1'],
      [3, 'c2'],
    ]);
    const checkpoint = await open(r.body.checkpoint, userId);
    expect(checkpoint.size).toBe(6);
    // The whole log, by default from 0, clamped to its size; empty at the end.
    expect((await call('GET', `/v1/users/${userId}/log`)).body.entries).toHaveLength(6);
    expect((await call('GET', `/v1/users/${userId}/log?start=6`)).body.entries).toEqual([]);
    expect(
      (await call('GET', `/v1/users/${userId}/log?start=1&end=1000`)).body.entries,
    ).toHaveLength(5);
  });

  it('an unseen user has an empty log with a signed checkpoint of size 0', async () => {
    const userId = newUserId('log-empty');
    const r = await call('GET', `/v1/users/${userId}/log`);
    expect(r.body.entries).toEqual([]);
    expect((await open(r.body.checkpoint, userId)).size).toBe(0);
  });

  it('bad ranges are 400 invalid_request naming the parameter', async () => {
    const userId = await userWithEntries(2);
    for (const [query, name] of [
      ['start=-1', 'start'],
      ['start=abc', 'start'],
      ['start=01', 'start'],
      ['start=1.5', 'start'],
      ['start=4', 'start'],
      ['end=-1', 'end'],
      ['start=2&end=1', 'end'],
      ['start=0&end=1001', 'end'],
      ['end=99999999999999999999', 'end'],
    ] as const) {
      const r = await call('GET', `/v1/users/${userId}/log?${query}`);
      expectProblem(r, 400, 'invalid_request');
      expect(r.body.detail, query).toMatch(new RegExp(`^${name}`));
    }
    expectProblem(await call('GET', `/v1/users/${'x'.repeat(129)}/log`), 400, 'invalid_request');
  });
});

describe('GET /v1/users/:id/log/consistency', () => {
  it('proves the log only grew from the size the caller holds; from is required and at most the size', async () => {
    const userId = await userWithEntries(0);
    const before = await open(
      (await call('GET', `/v1/users/${userId}/log`)).body.checkpoint,
      userId,
    );
    await runInDurableObject(
      env.VAULT.get(env.VAULT.idFromName(userId)),
      (vault: UserVault, state) => {
        const log = vaultState(vault).log;
        state.storage.transactionSync(() =>
          log.append({ v: 1, kind: 'locked', at: 1, sub: userId, cred: 'c' }),
        );
      },
    );
    const r = await call('GET', `/v1/users/${userId}/log/consistency?from=${before.size}`);
    const after = await open(r.body.checkpoint, userId);
    expect(after.size).toBe(2);
    await verifyConsistency(
      before.size,
      after.size,
      decodeHashes(r.body.proof),
      before.root,
      after.root,
    );
    expectProblem(await call('GET', `/v1/users/${userId}/log/consistency`), 400, 'invalid_request');
    expectProblem(
      await call('GET', `/v1/users/${userId}/log/consistency?from=3`),
      400,
      'invalid_request',
    );
    expect((await call('GET', `/v1/users/${userId}/log/consistency?from=2`)).body.proof).toEqual(
      [],
    );
  });
});

describe("10,000 entries in the vault's store", () => {
  it('appends and proves within the read bound, and the routes serve proofs the verifier accepts', async () => {
    const userId = newUserId('log-10k');
    await enroll(userId);
    const most = await runInDurableObject(
      env.VAULT.get(env.VAULT.idFromName(userId)),
      (_v, state) => {
        // The vault's VaultLog on a counting view of the same storage.
        let rowsRead = 0;
        const sql = {
          exec: (query: string, ...bindings: unknown[]) => {
            const cursor = state.storage.sql.exec(query, ...bindings);
            return {
              toArray: () => {
                const rows = cursor.toArray();
                rowsRead += cursor.rowsRead;
                return rows;
              },
            };
          },
        } as unknown as SqlStorage;
        const log = new VaultLog(sql);
        let append = 0;
        for (let i = 1; i < 10_000; i++) {
          rowsRead = 0;
          state.storage.transactionSync(() =>
            log.append({ v: 1, kind: 'revoked', at: i, sub: userId, cred: `c${i}` }),
          );
          append = Math.max(append, rowsRead);
        }
        rowsRead = 0;
        log.inclusionProof(4242, 10_000);
        const inclusion = rowsRead;
        rowsRead = 0;
        log.consistencyProof(3333, 10_000);
        return { append, inclusion, consistency: rowsRead };
      },
    );
    expect(most.append).toBeLessThanOrEqual(14);
    expect(most.inclusion).toBeLessThanOrEqual(2 * 14 + 1);
    expect(most.consistency).toBeLessThanOrEqual(2 * 14 + 1);

    const page = await call('GET', `/v1/users/${userId}/log?start=9000&end=10000`);
    expect(page.body.entries).toHaveLength(1000);
    const now = await open(page.body.checkpoint, userId);
    expect(now.size).toBe(10_000);
    const proof = await call('GET', `/v1/users/${userId}/log/consistency?from=3333`);
    const stub = env.VAULT.get(env.VAULT.idFromName(userId));
    const { oldNote, inclusion } = await runInDurableObject(stub, async (vault: UserVault) => {
      const log = vaultState(vault).log;
      return {
        oldNote: await log.checkpoint(await parseSignerKey(env.LOG_SIGNING_KEY!), userId, 3333),
        inclusion: log.inclusionProof(9999, 10_000),
      };
    });
    const old = await open(oldNote, userId);
    await verifyConsistency(3333, now.size, decodeHashes(proof.body.proof), old.root, now.root);
    const last = page.body.entries.at(-1);
    await verifyInclusion(
      await leafHashOf(last.entry),
      last.index,
      now.size,
      decodeHashes(inclusion),
      now.root,
    );
  });
});
