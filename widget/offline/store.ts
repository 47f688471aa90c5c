/**
 * The device's record of its grants, in IndexedDB (database `psea-offline`,
 * store `grants`, one record per nonce), so it survives a reload and is
 * shared by every tab of the origin. A record with no `proof` marks its
 * nonce used on this device: reserved for a ceremony under way, or settled
 * (`outcome`: `approved`, or the code the service refused it with). A record
 * with a `proof` waits for the service. Readwrite transactions on one store
 * run one at a time, across tabs too, so two ceremonies never reserve one nonce.
 */
import type { Bundle } from './bundle';

export interface GrantRecord {
  nonce: string;
  endpoint: string;
  sub: string;
  aud: string;
  act: string;
  dsp?: string;
  /** The bundle's expiry, seconds. */
  exp: number;
  proof?: Record<string, unknown>;
  outcome?: string;
}

let db: Promise<IDBDatabase> | undefined;

const done = <T>(r: IDBRequest<T> | IDBTransaction, value?: () => T): Promise<T> =>
  new Promise((resolve, reject) => {
    if ('oncomplete' in r) r.oncomplete = () => resolve(value!());
    else r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });

/** Run `fn` in one transaction on the store; resolve with its value once committed. */
async function tx<T>(
  mode: IDBTransactionMode,
  fn: (s: IDBObjectStore) => Promise<T> | T,
): Promise<T> {
  db ??= new Promise((resolve, reject) => {
    const open = indexedDB.open('psea-offline', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('grants', { keyPath: 'nonce' });
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const t = (await db).transaction('grants', mode);
  let value!: T;
  const fin = done(t, () => value);
  value = await fn(t.objectStore('grants'));
  return fin;
}

export const records = (): Promise<GrantRecord[]> => tx('readonly', (s) => done(s.getAll()));

/** Mark the first of the bundle's nonces not used on this device as used, and return it (undefined: none left). */
export const reserve = (
  bundle: Bundle,
  rec: Omit<GrantRecord, 'nonce'>,
): Promise<string | undefined> =>
  tx('readwrite', async (s) => {
    const used = new Set(await done(s.getAllKeys()));
    const nonce = bundle.grants.find((g) => !used.has(g));
    if (nonce) s.add({ ...rec, nonce });
    return nonce;
  });

export const save = (rec: GrantRecord): Promise<unknown> => tx('readwrite', (s) => s.put(rec));

/** A ceremony that did not sign: its nonce is free again. */
export const release = (nonce: string): Promise<unknown> => tx('readwrite', (s) => s.delete(nonce));

/** The service has taken or refused the proof: drop it, keep the nonce used. */
export const settle = (rec: GrantRecord, outcome: string): Promise<unknown> =>
  tx('readwrite', (s) => {
    const { proof: _, ...used } = rec;
    s.put({ ...used, outcome });
  });
