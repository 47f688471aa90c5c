/**
 * The offline part of the widget, `/pages/offline.js`: IndexedDB, the
 * bundle, the hashes and the ceremony of `<psea-approve offline>`. widget.js
 * loads it (from its own origin, versioned) the first time an element is
 * offline, so pages that never approve offline do not download it, and
 * widget.js stays within its size budget.
 */
import { offlineCeremony, offlineData } from './approval';
import { deps } from './deps';
import { OFFLINE_MESSAGES } from './messages';
import { records, save, settle } from './store';

/** Hand the widget's shared pieces over; returns what the element calls. */
export function init(d: typeof deps) {
  Object.assign(deps, d);
  for (const [key, text] of Object.entries(OFFLINE_MESSAGES)) d.messages[key] ??= text;
  return { offlineData, offlineCeremony, save, records, settle };
}

export type OfflineEngine = ReturnType<typeof init>;
