/**
 * verifyReceipt's `quorum` option in Node, as a backend runs it (docs/quorum.md):
 * a quorum receipt judged against the caller's own groups, never the
 * receipt's description of itself; a single receipt given the option, and a
 * quorum receipt without it, refused; the caller's groups checked first.
 */
import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  hashAction,
  hashDisplay,
  hashQuorum,
  type QuorumReceiptClaims,
  type SigningKeySet,
} from '../../packages/psea/src/receipt/index.ts';
import { verifyReceipt } from '../../packages/psea/src/receipt/verify-receipt.ts';
import { loadSigningKeys } from '../../worker/receipts/signing-keys.ts';
import { signReceipt } from '../../worker/receipts/sign-receipt.ts';
import { signQuorumReceipt } from '../../worker/quorum/sign-quorum-receipt.ts';

const ISS = 'https://approve.example.com';
const AUD = 'payments-api';
const NOW = 1_800_000_000;
const ACTION = { type: 'wire.transfer', amount: '250000.00', currency: 'EUR', to: 'DE89…' };
const POLICY = {
  groups: [
    { users: ['u-2', 'u-3', 'u-4'], required: 2 },
    { users: ['u-9'], required: 1 },
  ],
};
const NONCE = 'n'.repeat(22);

let keys: SigningKeySet;
let claims: QuorumReceiptClaims;

const apv = (sub: string, grp: number, cred = `cred-${sub}`) => ({
  sub,
  grp,
  nonce: NONCE,
  at: NOW - 10,
  cred: {
    id: cred,
    aaguid: '00000000-0000-0000-0000-000000000000',
    device_bound: true,
    backed_up: false,
    enrolled_at: NOW - 1000,
  },
});

beforeAll(async () => {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
    format: 'jwk',
  });
  keys = await loadSigningKeys(JSON.stringify({ keys: [jwk] }));
  const quorum = {
    id: 'q'.repeat(64),
    initiator: 'u-1',
    groups: [
      { name: 'Finance', users: [{ id: 'u-2' }, { id: 'u-3' }, { id: 'u-4' }], required: 2 },
      { name: 'CFO', users: [{ id: 'u-9' }], required: 1 },
    ],
  };
  claims = {
    iss: ISS,
    sub: 'u-1',
    aud: AUD,
    iat: NOW,
    exp: NOW + 300,
    jti: 'j'.repeat(22),
    act: await hashAction(ACTION),
    act_type: ACTION.type,
    dsp: await hashDisplay({ title: 'Pay', fields: [] }),
    qrm: await hashQuorum(quorum),
    quorum,
    apv: [apv('u-2', 0), apv('u-9', 1), apv('u-3', 0)],
  };
});

const options = (extra: Record<string, unknown> = {}) => ({
  jwks: keys.jwks,
  issuer: ISS,
  audience: AUD,
  subject: 'u-1',
  action: ACTION,
  now: NOW * 1000,
  quorum: POLICY,
  ...extra,
});
const sign = async (bend: (c: QuorumReceiptClaims) => void = () => {}, rehash = true) => {
  const c = structuredClone(claims);
  bend(c);
  if (rehash) c.qrm = await hashQuorum(c.quorum);
  return signQuorumReceipt(c, keys.signer);
};
const code = (p: Promise<unknown>) =>
  p.then(
    () => 'passed',
    (err: { code?: string }) => err.code,
  );

describe('verifyReceipt with a quorum option', () => {
  it("passes a receipt whose approvals meet the caller's groups, with each approver's statement rebuilt", async () => {
    const { claims: c, header, statements } = await verifyReceipt(await sign(), options());
    expect(header.typ).toBe('psea-quorum+jwt');
    expect(c.apv.map((a) => a.sub)).toEqual(['u-2', 'u-9', 'u-3']);
    expect(statements[1]).toEqual({
      v: 1,
      iss: ISS,
      aud: AUD,
      sub: 'u-9',
      act: claims.act,
      dsp: claims.dsp,
      nonce: NONCE,
      qrm: claims.qrm,
    });
  });

  it('quorum_unmet: a stricter policy, a user or credential twice, the initiator, qrm, the initiator claim, a single receipt', async () => {
    const token = await sign();
    expect(
      await code(
        verifyReceipt(
          token,
          options({ quorum: { groups: [{ users: ['u-2', 'u-3', 'u-4'], required: 3 }] } }),
        ),
      ),
    ).toBe('quorum_unmet');
    expect(
      await code(
        verifyReceipt(await sign((c) => void (c.apv[2] = apv('u-2', 0, 'other'))), options()),
      ),
    ).toBe('quorum_unmet');
    expect(
      await code(
        verifyReceipt(await sign((c) => void (c.apv[2] = apv('u-3', 0, 'cred-u-2'))), options()),
      ),
    ).toBe('quorum_unmet');
    expect(
      await code(
        verifyReceipt(
          await sign((c) => void c.apv.push(apv('u-1', 0))),
          options({ quorum: { groups: [{ users: ['u-2', 'u-3'], required: 2 }] } }),
        ),
      ),
    ).toBe('quorum_unmet');
    expect(
      await code(verifyReceipt(await sign((c) => void (c.qrm = c.act), false), options())),
    ).toBe('quorum_unmet');
    expect(
      await code(verifyReceipt(await sign((c) => void (c.quorum.initiator = 'u-x')), options())),
    ).toBe('quorum_unmet');
    const single = await signReceipt(
      {
        iss: ISS,
        sub: 'u-1',
        aud: AUD,
        iat: NOW,
        exp: NOW + 300,
        jti: 'j'.repeat(22),
        act: claims.act,
        act_type: ACTION.type,
        nonce: NONCE,
        uv: true,
        cred: { id: 'c', aaguid: '', device_bound: true, backed_up: false },
      },
      keys.signer,
    );
    expect(await code(verifyReceipt(single, options()))).toBe('quorum_unmet');
  });

  it('without the option a quorum receipt is typ_invalid; the subject and action still decide first', async () => {
    const token = await sign();
    const { quorum: _, ...plain } = options();
    expect(await code(verifyReceipt(token, plain))).toBe('typ_invalid');
    expect(await code(verifyReceipt(token, options({ subject: 'u-2' })))).toBe('invalid_options'); // u-2 is listed: the initiator never approves
    expect(await code(verifyReceipt(token, options({ subject: 'u-5' })))).toBe('subject_mismatch');
    expect(
      await code(verifyReceipt(token, options({ action: { ...ACTION, amount: '1.00' } }))),
    ).toBe('action_mismatch');
  });

  it('invalid_options for groups that cannot work, before the token is read; claim_invalid for a malformed apv', async () => {
    for (const quorum of [
      {},
      { groups: [] },
      { groups: [{ users: ['u-2'], required: 0 }] },
      {
        groups: [
          { users: ['u-2'], required: 1 },
          { users: ['u-2'], required: 1 },
        ],
      },
      { groups: [{ users: ['u-1'], required: 1 }] },
    ]) {
      expect(await code(verifyReceipt('not a token', options({ quorum })))).toBe('invalid_options');
    }
    expect(
      await code(
        verifyReceipt(
          await sign((c) => void ((c.apv[0] as { cred: unknown }).cred = 'x')),
          options(),
        ),
      ),
    ).toBe('claim_invalid');
  });
});
