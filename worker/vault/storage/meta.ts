import { randomId } from '../../lib/random-id';

/** The user's meta rows: who the vault is for, and the WebAuthn user handle. */
export interface VaultUser {
  id: string;
  name: string;
  displayName: string;
}

export function getMeta(sql: SqlStorage, k: string): string | undefined {
  return sql.exec<{ v: string }>('SELECT v FROM meta WHERE k = ?', k).toArray()[0]?.v;
}

/** Record the user an enrollment ticket names; the user handle is set once and never changes. */
export function setUser(sql: SqlStorage, user: VaultUser): void {
  const put = (k: string, v: string) =>
    sql.exec(
      'INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v',
      k,
      v,
    );
  put('user_id', user.id);
  put('user_name', user.name);
  put('user_display_name', user.displayName);
  if (!getMeta(sql, 'user_handle')) put('user_handle', randomId(32));
}
