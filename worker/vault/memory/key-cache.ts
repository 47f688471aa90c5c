import {
  importCosePublicKey,
  type CredentialKey,
} from '../../../packages/psea/src/webauthn/cose-key';

/** Imported credential keys: a credential's key never changes, so import it once. */
export class KeyCache {
  readonly #keys = new Map<string, Promise<CredentialKey>>();

  /** The key of credential `id`, importing the COSE bytes `read` returns on a miss. */
  get(id: string, read: (id: string) => Uint8Array<ArrayBuffer>): Promise<CredentialKey> {
    let key = this.#keys.get(id);
    if (!key) {
      key = importCosePublicKey(read(id));
      // A failed import is not cached: the next attempt tries again.
      key.catch(() => this.#keys.delete(id));
      this.#keys.set(id, key);
    }
    return key;
  }
}
