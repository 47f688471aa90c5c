/**
 * The policies docs/policy.md and docs/display.md show (between their policy
 * markers) must parse, and choose the rules the prose says they choose.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../worker/policy/parse-policy';
import { selectRule } from '../../worker/policy/select-rule';
import type { Policy } from '../../worker/policy/types';

/** The policy examples between a page's `<!-- policy:start -->` and `<!-- policy:end -->`. */
async function examples(page = '../../docs/policy.md'): Promise<{ toml: Policy; json: Policy[] }> {
  const text = await readFile(new URL(page, import.meta.url), 'utf8');
  const doc = /<!-- policy:start -->([\s\S]*?)<!-- policy:end -->/.exec(text)?.[1] ?? '';
  const toml = /POLICY = '''([\s\S]*?)'''/.exec(doc)?.[1];
  const json = [...doc.matchAll(/```json\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .filter((block) => block.includes('"rules"'));
  return { toml: parsePolicy(toml), json: json.map((block) => parsePolicy(block)) };
}

const rule = (p: Policy, action: Record<string, unknown> & { type: string }) =>
  selectRule(p, action).id;

describe('docs/policy.md', () => {
  it('the wrangler.toml example is the 10,000 rule', async () => {
    const { toml } = await examples();
    expect(rule(toml, { type: 'wire.transfer', amount: '12500.00' })).toBe('large-transfer');
    expect(selectRule(toml, { type: 'wire.transfer', amount: '12500.00' }).require).toEqual({
      deviceBound: true,
      attested: true,
    });
    expect(rule(toml, { type: 'wire.transfer', amount: '1250.00' })).toBe('default');
    expect(toml.attestation).toBe('direct');
  });

  it('every JSON policy parses, and the bank, hospital and AI-agent examples choose as described', async () => {
    const { json } = await examples();
    expect(json).toHaveLength(4);
    const [revocation, bank, hospital, agents] = json as [Policy, Policy, Policy, Policy];
    expect(revocation.revokedCertificates).toEqual([
      '64e286b76063602a372efd60cde8db2656a49ee15e84254b3d6eb5fe38f4288b',
    ]);

    expect(rule(bank, { type: 'wire.transfer', amount: '9999.99' })).toBe('default');
    expect(rule(bank, { type: 'balance.check' })).toBe('default');
    expect(rule(bank, { type: 'wire.transfer', amount: '10000.01' })).toBe('large-transfer');
    expect(rule(bank, { type: 'wire.transfer', amount: '10,000.01' })).toBe('large-transfer');
    expect(rule(bank, { type: 'payee.add', iban: 'DE89…' })).toBe('new-payee');

    expect(rule(hospital, { type: 'rx.sign.controlled', drug: 'oxycodone' })).toBe('controlled-rx');
    expect(rule(hospital, { type: 'rx.sign', drug: 'amoxicillin' })).toBe('clinical');
    expect(rule(hospital, { type: 'record.export', patients: 10 })).toBe('clinical');
    expect(rule(hospital, { type: 'record.export', patients: 500 })).toBe('bulk-export');
    expect(rule(hospital, { type: 'record.export' })).toBe('controlled-rx');
    expect(rule(hospital, { type: 'admin.user.create' })).toBe('controlled-rx');
    expect(hospital.attestation).toBe('direct');

    expect(rule(agents, { type: 'agent.purchase', amount: 12 })).toBe('agent-small-spend');
    expect(rule(agents, { type: 'agent.purchase', amount: '120.00' })).toBe('agent-spend');
    expect(rule(agents, { type: 'agent.purchase', amount: 'about 40' })).toBe('agent-powers');
    expect(rule(agents, { type: 'agent.credentials.rotate' })).toBe('agent-powers');
    expect(rule(agents, { type: 'agent.delete_all_data' })).toBe('agent-powers');
  });
});

describe('docs/display.md: refuseFormatChars and origins', () => {
  it('the agent-platform and bank examples parse and apply the options as described', async () => {
    const { json } = await examples('../../docs/display.md');
    expect(json).toHaveLength(2);
    const [agents, bank] = json as [Policy, Policy];

    expect(selectRule(agents, { type: 'agent.purchase', amount: 12 })).toEqual({
      id: 'agent-payment',
      require: {},
      origins: ['https://approve.example.com'],
      refuseFormatChars: true,
    });
    expect(selectRule(agents, { type: 'note.send' })).toEqual({ id: 'default', require: {} });

    expect(selectRule(bank, { type: 'payee.add', iban: 'DE89…' })).toEqual({
      id: 'new-payee',
      require: { deviceBound: true },
      origins: ['https://approve.bank.example'],
      refuseFormatChars: true,
    });
    expect(selectRule(bank, { type: 'wire.transfer', amount: '10.00' })).toEqual({
      id: 'wire',
      require: {},
      refuseFormatChars: true,
    });
    expect(selectRule(bank, { type: 'balance.check' })).toEqual({ id: 'default', require: {} });
  });
});
