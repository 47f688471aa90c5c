/**
 * The policy as configuration: what parses, what is refused at start, which
 * rule an action gets, and how a credential is judged against it.
 */
import { describe, expect, it } from 'vitest';
import { ProblemError } from '../../worker/errors';
import { admitEnrollment, checkRequirement, shortfall } from '../../worker/policy/check-credential';
import { DEFAULT_POLICY, parsePolicy } from '../../worker/policy/parse-policy';
import { selectRule } from '../../worker/policy/select-rule';
import type { CredentialFacts } from '../../worker/policy/types';
import { TestCert } from '../support/test-ca';

const YUBIKEY = 'cb69481e-8ff7-4039-93ec-0a2729a154a8';
const ICLOUD = 'fbfc3007-154e-4ecc-8c0b-6e020557d7bd';
const FEITIAN = '77010bd7-212a-4fc9-b236-d2ca5e9d4084';

/** The example: transfers over 10,000 need a device-bound, attested authenticator. */
const BANK = JSON.stringify({
  rules: [
    {
      id: 'large-transfer',
      match: { type: 'wire.transfer', gt: { amount: 10000 } },
      require: { deviceBound: true, attested: true },
    },
    { id: 'default' },
  ],
});

const synced: CredentialFacts = { aaguid: ICLOUD, deviceBound: false, attested: false };
const bound: CredentialFacts = { aaguid: FEITIAN, deviceBound: true, attested: false };
const attestedKey: CredentialFacts = { aaguid: YUBIKEY, deviceBound: true, attested: true };

function code(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (err) {
    return err instanceof ProblemError ? err.code : `not a ProblemError: ${String(err)}`;
  }
}

const wire = (amount: unknown) => ({ type: 'wire.transfer', amount, currency: 'EUR' });

describe('parsePolicy', () => {
  it('empty means the shipped default: one catch-all rule, no attestation asked', () => {
    expect(parsePolicy(undefined)).toBe(DEFAULT_POLICY);
    expect(parsePolicy('  ')).toBe(DEFAULT_POLICY);
    expect(DEFAULT_POLICY.rules).toEqual([{ id: 'default', require: {} }]);
    expect(DEFAULT_POLICY.attestation).toBe('none');
    expect(selectRule(DEFAULT_POLICY, wire('999999'))).toEqual({ id: 'default', require: {} });
  });

  it('parses the bank example and asks for direct attestation because a rule needs it', () => {
    const p = parsePolicy(BANK);
    expect(p.attestation).toBe('direct');
    expect(p.allowSynced).toBe(true);
    expect(p.rules.map((r) => r.id)).toEqual(['large-transfer', 'default']);
    expect(p.strictest.id).toBe('large-transfer');
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['an unknown key', '{"rules":[{"id":"a"}],"colour":"red"}', /colour|unrecognized/i],
    ['no rules', '{"rules":[]}', /rules/],
    ['a rule id with spaces', '{"rules":[{"id":"big one"}]}', /rules\.0\.id/],
    ['a duplicate rule id', '{"rules":[{"id":"a","match":{"type":"x"}},{"id":"a"}]}', /unique/],
    ['the reserved id', '{"rules":[{"id":"strictest"}]}', /reserved/],
    [
      'a rule after a catch-all',
      '{"rules":[{"id":"all"},{"id":"never","match":{"type":"x"}}]}',
      /rules\.1: can never match/,
    ],
    [
      'attested with attestation none',
      '{"attestation":"none","rules":[{"id":"a","require":{"attested":true}}]}',
      /needs attestation "direct"/,
    ],
    [
      'a threshold that is not a number',
      '{"rules":[{"id":"a","match":{"gt":{"amount":"10000"}}}]}',
      /rules\.0\.match\.gt\.amount/,
    ],
    [
      'a bad AAGUID',
      '{"aaguidDeny":["yubikey"],"rules":[{"id":"a"}]}',
      /aaguidDeny\.0: not an AAGUID/,
    ],
    [
      'a model both allowed and denied',
      `{"aaguidAllow":["${YUBIKEY}"],"aaguidDeny":["${YUBIKEY}"],"rules":[{"id":"a"}]}`,
      /also in aaguidAllow/,
    ],
    [
      'a rule allowing a denied model',
      `{"aaguidDeny":["${YUBIKEY}"],"rules":[{"id":"a","require":{"aaguids":["${YUBIKEY}"]}}]}`,
      /also in aaguidDeny/,
    ],
    [
      'a rule allowing a model outside the allow list',
      `{"aaguidAllow":["${FEITIAN}"],"rules":[{"id":"a","require":{"aaguids":["${YUBIKEY}"]}}]}`,
      /not in aaguidAllow/,
    ],
    [
      'rules whose model lists share nothing',
      `{"rules":[{"id":"a","match":{"type":"x"},"require":{"aaguids":["${YUBIKEY}"]}},{"id":"b","require":{"aaguids":["${FEITIAN}"]}}]}`,
      /share no model/,
    ],
    [
      'a trust anchor that is not a certificate',
      '{"trustAnchors":{"packed":["hello"]},"rules":[{"id":"a"}]}',
      /trustAnchors\.packed\.0/,
    ],
    [
      'trust anchors for a vendor-rooted format',
      '{"trustAnchors":{"apple":["x"]},"rules":[{"id":"a"}]}',
      /trustAnchors/,
    ],
    [
      'a revoked certificate that is not a fingerprint',
      '{"revokedCertificates":["abc"],"rules":[{"id":"a"}]}',
      /revokedCertificates\.0/,
    ],
  ])('refuses %s, naming the place', (_what, raw, message) => {
    expect(() => parsePolicy(raw)).toThrow(message);
  });

  it('normalises AAGUIDs, fingerprints and certificates', async () => {
    const root = await TestCert.root('Anchor');
    const body = root.pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s/g, '');
    const p = parsePolicy(
      JSON.stringify({
        aaguidDeny: [YUBIKEY.toUpperCase()],
        revokedCertificates: ['AB:'.repeat(31) + 'AB'],
        trustAnchors: { packed: [body], tpm: [root.pem] },
        rules: [{ id: 'a' }],
      }),
    );
    expect(p.aaguidDeny).toEqual([YUBIKEY]);
    expect(p.revokedCertificates).toEqual(['ab'.repeat(32)]);
    expect(p.trustAnchors.packed).toEqual([root.pem]);
    expect(p.trustAnchors.tpm).toEqual([root.pem]);
  });
});

describe('selectRule', () => {
  const bank = parsePolicy(BANK);

  it('chooses the threshold rule by amount: over 10,000 needs device-bound and attested', () => {
    expect(selectRule(bank, wire('12500.00'))).toEqual({
      id: 'large-transfer',
      require: { deviceBound: true, attested: true },
    });
    expect(selectRule(bank, wire(10000.01))).toMatchObject({ id: 'large-transfer' });
    expect(selectRule(bank, wire('10000.00'))).toEqual({ id: 'default', require: {} });
    expect(selectRule(bank, wire('1250.00'))).toEqual({ id: 'default', require: {} });
    expect(selectRule(bank, { type: 'profile.update', amount: '50000' })).toEqual({
      id: 'default',
      require: {},
    });
  });

  it('gives an amount it cannot read the strictest rule, never the loose default', () => {
    for (const amount of [
      '12,500.00',
      '1e5',
      ' ',
      'lots',
      null,
      true,
      { value: 20000 },
      undefined,
      Number.NaN,
    ]) {
      expect(selectRule(bank, wire(amount)).id, String(amount)).toBe('large-transfer');
    }
  });

  it('matches type prefixes and lists, and bounds with gte/lt/lte', () => {
    const p = parsePolicy(
      JSON.stringify({
        rules: [
          {
            id: 'wires',
            match: { type: 'wire.*', gte: { amount: 100 }, lte: { amount: 200 } },
            require: { deviceBound: true },
          },
          {
            id: 'cards',
            match: { type: ['card.freeze', 'card.unfreeze'], lt: { amount: 5 } },
            require: { deviceBound: true },
          },
          { id: 'rest' },
        ],
      }),
    );
    expect(selectRule(p, { type: 'wire.sepa', amount: '100' }).id).toBe('wires');
    expect(selectRule(p, { type: 'wire.swift', amount: 200 }).id).toBe('wires');
    expect(selectRule(p, { type: 'wire.swift', amount: 200.5 }).id).toBe('rest');
    expect(selectRule(p, { type: 'card.freeze', amount: '4.99' }).id).toBe('cards');
    expect(selectRule(p, { type: 'card.close', amount: '1' }).id).toBe('rest');
  });

  it('gives an action no rule matches the strictest configured rule', () => {
    const p = parsePolicy(
      JSON.stringify({
        rules: [
          { id: 'small', match: { type: 'payment', lte: { amount: 100 } } },
          {
            id: 'big',
            match: { type: 'payment', gt: { amount: 100 } },
            require: { deviceBound: true, attested: true },
          },
          { id: 'admin', match: { type: 'admin.*' }, require: { deviceBound: true } },
        ],
      }),
    );
    expect(selectRule(p, { type: 'payment', amount: 5 }).id).toBe('small');
    expect(selectRule(p, { type: 'account.delete' }).id).toBe('big');
  });

  it('combines every requirement when no single rule is the strictest', () => {
    const p = parsePolicy(
      JSON.stringify({
        rules: [
          {
            id: 'prescribe',
            match: { type: 'rx.sign' },
            require: { attested: true, aaguids: [YUBIKEY, FEITIAN] },
          },
          {
            id: 'records',
            match: { type: 'record.*' },
            require: { deviceBound: true, aaguids: [YUBIKEY] },
          },
        ],
      }),
    );
    expect(selectRule(p, { type: 'billing.export' })).toEqual({
      id: 'strictest',
      require: { deviceBound: true, attested: true, aaguids: [YUBIKEY] },
    });
  });

  it('folds policy-wide constraints into the frozen requirement', () => {
    const p = {
      ...parsePolicy(
        JSON.stringify({
          allowSynced: false,
          aaguidAllow: [YUBIKEY, FEITIAN],
          aaguidDeny: [ICLOUD],
          rules: [{ id: 'all' }],
        }),
      ),
      compromised: ['00000000-0000-0000-0000-00000000dead'],
    };
    expect(selectRule(p, wire('1'))).toEqual({
      id: 'all',
      require: {
        deviceBound: true,
        aaguids: [YUBIKEY, FEITIAN],
        notAaguids: [ICLOUD, '00000000-0000-0000-0000-00000000dead'],
      },
    });
  });
});

describe('judging credentials', () => {
  const bank = parsePolicy(BANK);

  it('policy_unmet: a synced passkey where a device-bound one is required', () => {
    const rule = selectRule(bank, wire('12500'));
    expect(code(() => checkRequirement(rule.require, synced))).toBe('policy_unmet');
    expect(shortfall(rule.require, synced)).toMatch(/device-bound/);
  });

  it('policy_unmet: a device-bound key without verified attestation where attestation is required', () => {
    const rule = selectRule(bank, wire('12500'));
    expect(code(() => checkRequirement(rule.require, bound))).toBe('policy_unmet');
    expect(shortfall(rule.require, bound)).toMatch(/attestation/);
    expect(code(() => checkRequirement(rule.require, attestedKey))).toBeUndefined();
  });

  it('any verified passkey meets the default rule', () => {
    const rule = selectRule(bank, wire('12.00'));
    for (const cred of [synced, bound, attestedKey])
      expect(code(() => checkRequirement(rule.require, cred))).toBeUndefined();
  });

  it('AAGUID deny: refused at enrollment, and at approval for one enrolled before the deny', () => {
    const p = parsePolicy(JSON.stringify({ aaguidDeny: [ICLOUD], rules: [{ id: 'all' }] }));
    expect(code(() => admitEnrollment(p, synced))).toBe('attestation_rejected');
    expect(code(() => checkRequirement(selectRule(p, wire('1')).require, synced))).toBe(
      'policy_unmet',
    );
    expect(code(() => admitEnrollment(p, bound))).toBeUndefined();
  });

  it('AAGUID allow list: only listed models enroll and approve', () => {
    const p = parsePolicy(JSON.stringify({ aaguidAllow: [YUBIKEY], rules: [{ id: 'all' }] }));
    expect(code(() => admitEnrollment(p, bound))).toBe('attestation_rejected');
    expect(code(() => admitEnrollment(p, attestedKey))).toBeUndefined();
    expect(code(() => checkRequirement(selectRule(p, wire('1')).require, bound))).toBe(
      'policy_unmet',
    );
  });

  it('allowSynced false: synced passkeys neither enroll nor approve', () => {
    const p = parsePolicy(JSON.stringify({ allowSynced: false, rules: [{ id: 'all' }] }));
    expect(code(() => admitEnrollment(p, synced))).toBe('attestation_rejected');
    expect(code(() => checkRequirement(selectRule(p, wire('1')).require, synced))).toBe(
      'policy_unmet',
    );
  });

  it('attestation_rejected: an enrollment no rule could ever accept', () => {
    const p = parsePolicy(
      JSON.stringify({ rules: [{ id: 'only-attested', require: { attested: true } }] }),
    );
    expect(code(() => admitEnrollment(p, bound))).toBe('attestation_rejected');
    expect(code(() => admitEnrollment(p, attestedKey))).toBeUndefined();
    // With a catch-all beside it, the same key enrolls (it can approve the small things).
    expect(code(() => admitEnrollment(bank, bound))).toBeUndefined();
  });

  it('models FIDO metadata reports compromised are refused at enrollment and approval', () => {
    const p = { ...DEFAULT_POLICY, compromised: [FEITIAN] };
    expect(code(() => admitEnrollment(p, bound))).toBe('attestation_rejected');
    expect(code(() => checkRequirement(selectRule(p, wire('1')).require, bound))).toBe(
      'policy_unmet',
    );
  });
});
