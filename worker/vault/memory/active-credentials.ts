import type { CredentialMeta } from '../storage/credentials';

/** What an approval reads of a credential: fixed at enrollment, plus its state. */
export type KnownCredential = Pick<
  CredentialMeta,
  'id' | 'aaguid' | 'backup_eligible' | 'attested' | 'authenticator_name' | 'state' | 'created_at'
>;

/**
 * Active credentials this object has read, so an approval reads no
 * credential row (docs/performance.md, figure 1).
 *
 * The invariant: an entry exists only while its row is `active`. Revoking or
 * locking a credential removes its entry in the same turn as the write, and
 * only fields fixed at enrollment are kept: the counter is never read from
 * here, the commit's guarded UPDATE compares it. That UPDATE also re-checks
 * `state = 'active'`, so a stale entry could cost work, never a receipt.
 * Unknown ids are not remembered: they are the caller's to choose.
 */
export class ActiveCredentials {
  readonly #entries = new Map<string, KnownCredential>();

  constructor(private readonly max = 16) {}

  /** The credential from memory, else from `read`; an active one read is remembered. */
  lookup(
    id: string,
    read: (id: string) => CredentialMeta | undefined,
  ): KnownCredential | undefined {
    const known = this.#entries.get(id);
    if (known) return known;
    const row = read(id);
    if (row?.state === 'active') {
      if (this.#entries.size >= this.max) this.#entries.clear();
      const { aaguid, backup_eligible, attested, authenticator_name, state, created_at } = row;
      this.#entries.set(id, {
        id,
        aaguid,
        backup_eligible,
        attested,
        authenticator_name,
        state,
        created_at,
      });
    }
    return row;
  }

  forget(id: string): void {
    this.#entries.delete(id);
  }

  /** Forget every entry (the bench's cold figure: an object just started). */
  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
