/**
 * A rule's `offline` option (SPEC.md v2 "Offline approvals"): off unless the
 * rule chosen for the action says so; a boolean only; and, being looser than
 * none, never part of the strictest rule unless every rule allows it.
 */
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../worker/policy/parse-policy';
import { selectRule } from '../../worker/policy/select-rule';

const DOOR = { type: 'door.open', door: '7' };

describe('the offline rule option', () => {
  it('is off by default, and on only for the rule that says so', () => {
    expect(selectRule(parsePolicy(''), DOOR).offline).toBeUndefined();
    const policy = parsePolicy(
      JSON.stringify({
        rules: [{ id: 'door', match: { type: 'door.*' }, offline: true }, { id: 'default' }],
      }),
    );
    expect(selectRule(policy, DOOR)).toMatchObject({ id: 'door', offline: true });
    expect(selectRule(policy, { type: 'wire.transfer' }).offline).toBeUndefined();
    expect(
      parsePolicy(JSON.stringify({ rules: [{ id: 'a', offline: false }] })).rules[0],
    ).not.toHaveProperty('offline');
  });

  it('must be a boolean', () => {
    expect(() => parsePolicy(JSON.stringify({ rules: [{ id: 'a', offline: 'yes' }] }))).toThrow(
      /rules\.0\.offline/,
    );
  });

  it('an action no rule decides gets offline only when every rule allows it', () => {
    const mixed = parsePolicy(
      JSON.stringify({
        rules: [
          { id: 'door', match: { type: 'door.*' }, offline: true },
          { id: 'wire', match: { type: 'wire.*' } },
        ],
      }),
    );
    expect(mixed.strictest.id).toBe('wire');
    expect(selectRule(mixed, { type: 'other' }).offline).toBeUndefined();
    // Same requirement, one allows offline: the one that does not is the stricter.
    const twin = parsePolicy(
      JSON.stringify({
        rules: [
          { id: 'loose', match: { type: 'a' }, offline: true },
          { id: 'tight', match: { type: 'b' } },
        ],
      }),
    );
    expect(twin.strictest.id).toBe('tight');
    const all = parsePolicy(
      JSON.stringify({
        rules: [
          { id: 'a', match: { type: 'a' }, offline: true, require: { deviceBound: true } },
          { id: 'b', match: { type: 'b' }, offline: true, require: { attested: true } },
        ],
        attestation: 'direct',
      }),
    );
    expect(all.strictest).toMatchObject({ id: 'strictest', offline: true });
    const notAll = parsePolicy(
      JSON.stringify({
        rules: [
          { id: 'a', match: { type: 'a' }, offline: true, require: { deviceBound: true } },
          { id: 'b', match: { type: 'b' }, require: { attested: true } },
        ],
        attestation: 'direct',
      }),
    );
    expect(notAll.strictest.offline).toBeUndefined();
  });
});
