/**
 * Migration 6 (docs/evidence.md "Chain of custody"): a vault made with the v1 layout, or a v2
 * vault whose added passkey has no kept approval, gets one run of `migrated` enrolled entries
 * in the migration's own transaction, in enrollment order, with no webhook; custody then starts
 * at each credential's latest entry, and its bundles pass only for a caller that accepts `migrated`.
 */
import { describe, expect, it } from 'vitest';
import { env, runInDurableObject } from 'cloudflare:test';
import { verifyEvidence } from '../../packages/psea/src/evidence/index';
import { verifierKeyOf } from '../../packages/psea/src/log/note-keys';
import { MIGRATIONS, SCHEMA, migrate } from '../../worker/vault/storage/schema';
import { VaultLog } from '../../worker/vault/storage/vault-log';
import { keyOf } from '../../worker/vault/commits/log-writes';
import { enrollmentRecord } from '../../worker/vault/commits/enrollment-record';
import { SoftAuthenticator } from '../support/soft-authenticator';
import {
  ORIGIN,
  OTHER_ALLOWED_ORIGIN,
  assertion,
  call,
  newUserId,
  requestAction,
  vaultRows,
  verify,
} from './harness';

const RP = { rpId: 'localhost', origins: [ORIGIN, OTHER_ALLOWED_ORIGIN] };
const HANDLE = 'aGFuZGxlLW9mLWEtdjEtdmF1bHQ';
const stub = (userId: string) => env.VAULT.get(env.VAULT.idFromName(userId));

/** Drop every table of the vault, then lay out the v1 schema with its meta. */
function wipeToV1(sql: SqlStorage, userId: string): void {
  const tables = sql
    .exec<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'sqlite_%'",
    )
    .toArray();
  for (const { name } of tables) sql.exec(`DROP TABLE IF EXISTS "${name}"`);
  sql.exec(SCHEMA);
  sql.exec("INSERT INTO meta (k, v) VALUES ('user_id', ?), ('user_handle', ?)", userId, HANDLE);
}

function insertV1(
  sql: SqlStorage,
  auth: SoftAuthenticator,
  state: string,
  createdAt: number,
): void {
  sql.exec(
    `INSERT INTO credentials (id, public_key, alg, counter, aaguid, backup_eligible, backed_up, transports, fmt,
       attested, authenticator_name, state, created_at, last_used_at) VALUES (?, ?, -7, 0, ?, 0, 0, '[]', 'none', 0, NULL, ?, ?, NULL)`,
    auth.credentialId,
    auth.publicKeyCose,
    auth.aaguid,
    state,
    createdAt,
  );
}

async function approvedBundle(userId: string, auth: SoftAuthenticator, since: number) {
  const { ticket } = await requestAction(userId);
  expect((await verify(ticket, await assertion(ticket, auth))).status).toBe(200);
  return (await call('GET', `/v1/actions/${ticket}/evidence?since=${since}`)).body;
}

const custody = (r: Awaited<ReturnType<typeof verifyEvidence>>) =>
  r.checks.find((c) => c.name === 'custody')!;

describe('a v1 vault migrated', () => {
  it('one run of migrated entries (active and locked, not revoked), in enrollment order, no webhook; its bundles pass for custodyRoots ["migrated"]', async () => {
    const userId = newUserId('mig-v1');
    await call('GET', `/v1/users/${userId}/credentials`); // start the object
    const [older, newer, locked, revoked] = await Promise.all(
      [0, 1, 2, 3].map(() => SoftAuthenticator.create({ userHandle: HANDLE })),
    );
    const migrated = await runInDurableObject(stub(userId), (_v, state) => {
      const sql = state.storage.sql;
      wipeToV1(sql, userId);
      insertV1(sql, newer!, 'active', 1_700_000_002_000);
      insertV1(sql, older!, 'active', 1_700_000_001_000);
      insertV1(sql, locked!, 'locked', 1_700_000_003_000);
      insertV1(sql, revoked!, 'revoked', 1_700_000_000_000);
      migrate(state.storage);
      const size = new VaultLog(sql).size();
      migrate(state.storage); // a second run changes nothing
      return {
        size,
        again: new VaultLog(sql).size(),
        entries: new VaultLog(sql).entries(0, 10).map((e) => e.entry),
      };
    });
    expect(migrated.size).toBe(3);
    expect(migrated.again).toBe(3);
    expect(
      migrated.entries.map((e) => [
        e.kind,
        'cred' in e && e.cred,
        'approvedBy' in e && e.approvedBy,
      ]),
    ).toEqual([
      ['enrolled', older!.credentialId, 'migrated'],
      ['enrolled', newer!.credentialId, 'migrated'],
      ['enrolled', locked!.credentialId, 'migrated'],
    ]);
    expect(migrated.entries[0]).toMatchObject({
      sub: userId,
      key: keyOf(older!.publicKeyCose),
      aaguid: older!.aaguid,
      attested: false,
    });
    expect(migrated.entries.every((e) => !('approval' in e))).toBe(true);
    expect(await vaultRows(userId, 'SELECT count(*) AS n FROM deliveries')).toEqual([{ n: 0 }]);

    const known = (await call('GET', `/v1/users/${userId}/log`)).body.checkpoint as string;
    const bundle = await approvedBundle(userId, newer!, 3);
    expect(bundle.credential.enrollment).toBeNull();
    expect(bundle.log.enrolled).toMatchObject({ index: 1, entry: { approvedBy: 'migrated' } });
    expect(bundle.custody).toEqual([]);
    const logKey = await verifierKeyOf(env.LOG_SIGNING_KEY!);
    const strict = await verifyEvidence(bundle, { ...RP, logKey, knownCheckpoint: known });
    expect(custody(strict)).toMatchObject({ result: 'fail', root: 'migrated', rootIndex: 1 });
    expect(strict.ok).toBe(false);
    const accepted = await verifyEvidence(bundle, {
      ...RP,
      logKey,
      knownCheckpoint: known,
      custodyRoots: ['migrated'],
    });
    expect(Object.fromEntries(accepted.checks.map((c) => [c.name, c.result]))).toMatchObject({
      enrollment: 'pass',
      log: 'pass',
      custody: 'pass',
    });
    expect(accepted.ok).toBe(true);
  });
});

describe('a v2 vault migrated', () => {
  it("only the added passkey whose approval was not kept is migrated, after the v2 entries; the first one's custody stays first at 0", async () => {
    const userId = newUserId('mig-v2');
    await call('GET', `/v1/users/${userId}/credentials`);
    const [first, added] = await Promise.all(
      [0, 1].map(() => SoftAuthenticator.create({ userHandle: HANDLE })),
    );
    const registration = await first!.register(
      {
        rp: { id: 'localhost', name: 'PSEA' },
        user: { id: HANDLE, name: userId, displayName: userId },
        challenge: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
        pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
        authenticatorSelection: { userVerification: 'required' },
      },
      { origin: ORIGIN },
    );
    const entries = await runInDurableObject(stub(userId), (_v, state) => {
      const sql = state.storage.sql;
      wipeToV1(sql, userId);
      // The v2 layout: migrations 1 to 5, then what v2 wrote (no approval kept, entries without one).
      for (const step of MIGRATIONS.slice(0, 5)) sql.exec(step as string);
      sql.exec("INSERT INTO meta (k, v) VALUES ('schema_version', '5'), ('has_enrolled', '1')");
      insertV1(sql, first!, 'active', 1_700_000_000_000);
      insertV1(sql, added!, 'active', 1_700_000_001_000);
      const log = new VaultLog(sql);
      const enrolled = (a: SoftAuthenticator, approvedBy: string) =>
        log.append({
          v: 1,
          kind: 'enrolled',
          at: 1_700_000_000,
          sub: userId,
          cred: a.credentialId,
          key: keyOf(a.publicKeyCose),
          aaguid: a.aaguid,
          attested: false,
          approvedBy,
        });
      sql.exec(
        "UPDATE credentials SET approved_by = 'first', enrolled_index = ?, enrollment = ? WHERE id = ?",
        enrolled(first!, 'first'),
        JSON.stringify(enrollmentRecord(registration)),
        first!.credentialId,
      );
      sql.exec(
        'UPDATE credentials SET approved_by = ?, enrolled_index = ? WHERE id = ?',
        first!.credentialId,
        enrolled(added!, first!.credentialId),
        added!.credentialId,
      );
      migrate(state.storage);
      return log.entries(0, 10).map((e) => e.entry);
    });
    expect(entries.map((e) => ('approvedBy' in e ? e.approvedBy : e.kind))).toEqual([
      'first',
      first!.credentialId,
      'migrated',
    ]);

    const known = (await call('GET', `/v1/users/${userId}/log`)).body.checkpoint as string;
    const logKey = await verifierKeyOf(env.LOG_SIGNING_KEY!);
    const byAdded = await approvedBundle(userId, added!, 3);
    expect(byAdded.log.enrolled).toMatchObject({
      index: 2,
      entry: { cred: added!.credentialId, approvedBy: 'migrated' },
    });
    expect(
      custody(
        await verifyEvidence(byAdded, {
          ...RP,
          logKey,
          knownCheckpoint: known,
          custodyRoots: ['migrated'],
        }),
      ),
    ).toMatchObject({ result: 'pass', root: 'migrated', rootIndex: 2 });
    const byFirst = await approvedBundle(userId, first!, 3);
    const result = await verifyEvidence(byFirst, { ...RP, logKey, knownCheckpoint: known });
    expect(custody(result)).toMatchObject({ result: 'pass', root: 'first', rootIndex: 0 });
    expect(result.ok).toBe(true);
  });
});
