/**
 * One Durable Object per credential id (`idFromName(credentialId)`), holding
 * the one user it was enrolled for. Vaults are per user, so without it the
 * same credential id could enroll for two users; WebAuthn §7.1 says an RP
 * SHOULD refuse an id already registered for any user. A claim is never
 * released, not even by revocation: a credential id names one user for good.
 */
import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env';

export class CredentialOwner extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec('CREATE TABLE IF NOT EXISTS owner (user_id TEXT NOT NULL)');
  }

  /** Claim the id for `userId`: true when it was free or is already this user's. */
  claim(userId: string): boolean {
    const current = this.sql
      .exec<{ user_id: string }>('SELECT user_id FROM owner')
      .toArray()[0]?.user_id;
    if (current !== undefined) return current === userId;
    this.sql.exec('INSERT INTO owner (user_id) VALUES (?)', userId);
    return true;
  }
}
