/**
 * The seam through which tests and the bench reach a vault's state: a
 * module-level map, which code in the Worker can read and RPC cannot (RPC
 * reaches only a Durable Object's own methods).
 */
import type { VaultState } from './vault-state';

const states = new WeakMap<object, VaultState>();

export function bindVaultState(vault: object, state: VaultState): void {
  states.set(vault, state);
}

/** The state of a vault instance, as `runInDurableObject` hands it to a test. */
export function vaultState(vault: object): VaultState {
  const state = states.get(vault);
  if (!state) throw new Error('not a UserVault instance');
  return state;
}
