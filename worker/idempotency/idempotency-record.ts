/**
 * One Durable Object per (API key, Idempotency-Key) pair, named by a hash of
 * both (worker/http/idempotency.ts): neither the API key nor the key itself is
 * stored. The object serialises every request that names the pair, so a
 * create runs once however many repeats arrive together (docs/api.md,
 * "Idempotent requests").
 *
 * States of its one row: absent; `pending` (a request holds a lease on it and
 * is running the create); `done` (the first answer that was not a 5xx, kept
 * 24 hours). A lease that is neither completed nor released (the Worker died
 * between reservation and answer) lapses after LEASE_MS, so a key is never
 * wedged for good; an alarm deletes the row when its time is up.
 */
import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env';

/** How long an answer is replayed. */
const KEEP_MS = 24 * 60 * 60 * 1000;
/**
 * How long a reservation holds without being completed. Far beyond any create
 * (a few vault calls); short enough that a key whose first request died is
 * usable again within a client's patience.
 */
export const LEASE_MS = 60 * 1000;

/** The answer kept for replay; `body` sealed by the Worker (sealed-answer.ts), opaque here. */
export interface StoredAnswer {
  status: number;
  contentType: string;
  body: string;
}

export type Reservation =
  | { kind: 'reserved'; lease: string }
  | { kind: 'replay'; answer: StoredAnswer }
  | { kind: 'mismatch' }
  | { kind: 'in_progress' };

interface Row {
  state: 'pending' | 'done';
  fingerprint: string;
  /** pending: the lease's id; done: empty. */
  lease: string;
  /** pending: when the lease lapses; done: when the answer is forgotten. */
  until: number;
  status: number;
  content_type: string;
  body: string;
}

export class IdempotencyRecord extends DurableObject<Env> {
  private ready = false;

  /** The table, made on first use and again after the alarm's deleteAll (the object may stay in memory). */
  private get sql(): SqlStorage {
    const sql = this.ctx.storage.sql;
    if (!this.ready) {
      sql.exec(
        `CREATE TABLE IF NOT EXISTS record (state TEXT NOT NULL, fingerprint TEXT NOT NULL,
          lease TEXT NOT NULL, until INTEGER NOT NULL, status INTEGER NOT NULL,
          content_type TEXT NOT NULL, body TEXT NOT NULL)`,
      );
      this.ready = true;
    }
    return sql;
  }

  private row(now: number): Row | undefined {
    const row = this.sql
      .exec<Row & Record<string, SqlStorageValue>>('SELECT * FROM record')
      .toArray()[0];
    return row !== undefined && row.until > now ? row : undefined;
  }

  /**
   * Take the key for a request whose method, path and body hash to `fingerprint`,
   * or say why not. A lapsed lease or answer counts as absent. `lease` is the
   * caller's own id, so a caller whose reserve went unanswered can still release it.
   */
  async reserve(fingerprint: string, now: number, lease: string): Promise<Reservation> {
    const row = this.row(now);
    if (row !== undefined) {
      // A different body is refused first, while pending too: that key is misused either way.
      if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
      if (row.state === 'pending') return { kind: 'in_progress' };
      return {
        kind: 'replay',
        answer: { status: row.status, contentType: row.content_type, body: row.body },
      };
    }
    this.sql.exec('DELETE FROM record');
    this.sql.exec(
      "INSERT INTO record VALUES ('pending', ?, ?, ?, 0, '', '')",
      fingerprint,
      lease,
      now + LEASE_MS,
    );
    await this.ctx.storage.setAlarm(now + LEASE_MS);
    return { kind: 'reserved', lease };
  }

  /** Keep the answer of the request holding `lease`; false when its lease had lapsed (kept nothing). */
  async complete(lease: string, answer: StoredAnswer, now: number): Promise<boolean> {
    const row = this.row(now);
    if (row?.state !== 'pending' || row.lease !== lease) return false;
    this.sql.exec(
      "UPDATE record SET state = 'done', lease = '', until = ?, status = ?, content_type = ?, body = ?",
      now + KEEP_MS,
      answer.status,
      answer.contentType,
      answer.body,
    );
    await this.ctx.storage.setAlarm(now + KEEP_MS);
    return true;
  }

  /** Give the key back after a 5xx: the next request with it runs the create afresh. */
  async release(lease: string): Promise<void> {
    const row = this.sql
      .exec<{ lease: string }>("SELECT lease FROM record WHERE state = 'pending'")
      .toArray()[0];
    if (row?.lease !== lease) return;
    this.sql.exec('DELETE FROM record');
    await this.ctx.storage.deleteAlarm();
  }

  /** Forget a lapsed lease or an answer past its 24 hours; the object then holds nothing. */
  override async alarm(): Promise<void> {
    const until = this.sql.exec<{ until: number }>('SELECT until FROM record').toArray()[0]?.until;
    if (until !== undefined && until > Date.now()) {
      await this.ctx.storage.setAlarm(until);
      return;
    }
    await this.ctx.storage.deleteAll();
    this.ready = false;
  }
}
