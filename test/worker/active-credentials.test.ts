/**
 * The vault's memory of active credentials (worker/vault/memory/active-credentials.ts):
 * revoking must take effect at once whether or not the credential is held,
 * and a credential made inactive behind the memory's back must never approve.
 */
import { describe, expect, it } from 'vitest';
import { env, runInDurableObject } from 'cloudflare:test';
import { ActiveCredentials } from '../../worker/vault/memory/active-credentials';
import type { CredentialMeta } from '../../worker/vault/storage/credentials';
import {
  actionState,
  assertion,
  call,
  credentialsOf,
  enroll,
  expectProblem,
  newUserId,
  requestAction,
  ticketRow,
  vaultRows,
  verify,
} from './harness';
import { vaultState } from '../../worker/vault/state-seam';

/** How many credentials the user's vault holds in memory. */
const held = (userId: string) =>
  runInDurableObject(
    env.VAULT.get(env.VAULT.idFromName(userId)),
    (vault) => vaultState(vault).credentials.size,
  );

const row = (id: string, state: CredentialMeta['state']): CredentialMeta => ({
  id,
  alg: -7,
  counter: 0,
  aaguid: '00000000-0000-0000-0000-000000000000',
  backup_eligible: 0,
  backed_up: 0,
  transports: '[]',
  fmt: 'none',
  attested: 0,
  authenticator_name: null,
  state,
  created_at: 0,
  last_used_at: null,
  approved_by: null,
  pending_ticket: null,
});

describe('ActiveCredentials', () => {
  it('remembers active credentials only, and reads again after forget', () => {
    const memory = new ActiveCredentials();
    const rows = new Map([
      ['a', row('a', 'active')],
      ['r', row('r', 'revoked')],
    ]);
    let reads = 0;
    const read = (id: string) => (reads++, rows.get(id));
    expect(memory.lookup('a', read)?.state).toBe('active');
    expect(memory.lookup('a', read)?.state).toBe('active');
    expect(reads).toBe(1);
    expect(memory.lookup('r', read)?.state).toBe('revoked');
    expect(memory.lookup('unknown', read)).toBeUndefined();
    expect(memory.size).toBe(1);
    memory.forget('a');
    rows.set('a', row('a', 'locked'));
    expect(memory.lookup('a', read)?.state).toBe('locked');
    expect(memory.size).toBe(0);
  });

  it('keeps no counter: only what enrollment fixed, and the state', () => {
    const memory = new ActiveCredentials();
    memory.lookup('a', () => ({ ...row('a', 'active'), counter: 41 }));
    expect(Object.keys(memory.lookup('a', () => undefined)!).sort()).toEqual([
      'aaguid',
      'attested',
      'authenticator_name',
      'backup_eligible',
      'created_at',
      'id',
      'state',
    ]);
  });

  it('stays bounded', () => {
    const memory = new ActiveCredentials(4);
    for (let i = 0; i < 10; i++) memory.lookup(`c${i}`, (id) => row(id, 'active'));
    expect(memory.size).toBeLessThanOrEqual(4);
  });
});

describe('approval with the credential held in memory', () => {
  it('DELETE of a credential the vault holds takes effect on the next approval', async () => {
    const userId = newUserId('held');
    const { auth } = await enroll(userId);
    const first = await requestAction(userId);
    expect((await verify(first.ticket, await assertion(first.ticket, auth))).status).toBe(200);
    const { ticket } = await requestAction(userId);
    const good = await assertion(ticket, auth);
    expect(await held(userId)).toBe(1);
    expect(
      (await call('DELETE', `/v1/users/${userId}/credentials/${auth.credentialId}`)).status,
    ).toBe(204);
    expect(await held(userId)).toBe(0);
    expectProblem(await verify(ticket, good), 422, 'credential_revoked');
    expect(await actionState(ticket)).toEqual({ state: 'pending' });
  });

  it("a held credential revoked behind the memory's back approves nothing: the commit refuses it", async () => {
    const userId = newUserId('held');
    const { auth } = await enroll(userId);
    const first = await requestAction(userId);
    expect((await verify(first.ticket, await assertion(first.ticket, auth))).status).toBe(200);
    const [before] = await vaultRows<{ counter: number }>(
      userId,
      'SELECT counter FROM credentials',
    );
    const { ticket } = await requestAction(userId);
    const good = await assertion(ticket, auth);
    // A write that bypasses the memory: the row alone says revoked, the memory still says active.
    expect(await held(userId)).toBe(1);
    await runInDurableObject(env.VAULT.get(env.VAULT.idFromName(userId)), (_vault, state) => {
      state.storage.sql.exec("UPDATE credentials SET state = 'revoked'");
    });
    expectProblem(await verify(ticket, good), 422, 'credential_revoked');
    // The failed commit dropped the stale entry: the row decides from now on.
    expect(await held(userId)).toBe(0);
    expect(await actionState(ticket)).toEqual({ state: 'pending' });
    expect((await ticketRow(userId, ticket)).failures).toBe(1);
    const [after] = await vaultRows<{ counter: number }>(userId, 'SELECT counter FROM credentials');
    expect(after?.counter).toBe(before?.counter);
    expect((await credentialsOf(userId))[0].state).toBe('revoked');
  });
});
