// The auditor's replay (docs/evidence.md, "An auditor's view"): a user's whole log read as a state
// machine, entry by entry, flagging what a passkey's custody must never show and what a person
// must look at. Pure: give it every entry from index 0, in order; it returns the flags.
//
//   import { replay } from './replay.mjs';
//   for (const { index, why } of replay(entries)) console.log(`#${index} ${why}`);

/** @param {{ index: number, entry: Record<string, any> }[]} entries @returns {{ index: number, why: string }[]} */
export function replay(entries) {
  const flags = [];
  const flag = (index, why) => flags.push({ index, why });
  /** credential id -> 'active' | 'revoked' | 'locked', as the log has told it so far */
  const state = new Map();
  // A migration writes one run of `migrated` entries; any other is not the migration's.
  let run = 'before';
  for (const { index, entry } of entries) {
    const migrated = entry.kind === 'enrolled' && entry.approvedBy === 'migrated';
    if (migrated && run === 'after')
      flag(index, 'a migrated entry outside the one run a migration writes');
    run = migrated ? 'in' : run === 'in' ? 'after' : run;
    if (entry.kind === 'enrolled') {
      const by = entry.approvedBy;
      if (by === 'first' && index !== 0) flag(index, 'a "first" enrollment that is not entry 0');
      else if (by === 'recovery')
        flag(
          index,
          "a recovery: enrolled without any passkey's approval (check it against your own records)",
        );
      else if (by === 'open')
        flag(index, "enrolled under the open policy, without any passkey's approval");
      else if (!['first', 'migrated'].includes(by) && state.get(by) !== 'active') {
        flag(
          index,
          `enrollment approved by ${by}, which was ${state.get(by) ?? 'never enrolled'} at that point`,
        );
      }
      if (migrated && state.get(entry.cred) === 'revoked')
        flag(index, 'a revoked credential migrated');
      // A locked credential stays locked through a migration.
      if (!(migrated && state.get(entry.cred) === 'locked')) state.set(entry.cred, 'active');
    } else if (entry.kind === 'approved') {
      const s = state.get(entry.cred);
      if (s === undefined)
        flag(index, `an approval by ${entry.cred}, which has no earlier enrolled entry`);
      else if (s !== 'active')
        flag(index, `an approval by ${entry.cred}, which was ${s} before it`);
    } else if (entry.kind === 'revoked') {
      state.set(entry.cred, 'revoked');
    } else if (entry.kind === 'locked' && state.get(entry.cred) === 'active') {
      state.set(entry.cred, 'locked');
    }
  }
  return flags;
}
