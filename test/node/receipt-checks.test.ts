/**
 * SPEC.md v2 "Receipt checks a backend cannot skip": verifyReceipt requires
 * the subject and an explicit answer about the action, refuses options it
 * does not know, and checks sub, act, dsp and offline, in that order, after
 * the signature.
 */
import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  hashAction,
  hashDisplay,
  ReceiptError,
  statementChallenge,
  verifyReceipt,
  type ReceiptClaims,
  type ReceiptErrorCode,
  type SigningKeySet,
  type VerifyReceiptOptions,
} from '../../packages/psea/src/receipt/index.ts';
import { loadSigningKeys } from '../../worker/receipts/signing-keys.ts';
import { randomId } from '../../worker/lib/random-id.ts';
import { signReceipt } from '../../worker/receipts/sign-receipt.ts';

const ISS = 'https://approve.example.com';
const AUD = 'payments-api';
const NOW = 1_800_000_000;
const SUB = 'u-123';
const ACTION = { type: 'wire.transfer', amount: '1250.00', currency: 'EUR', to: 'DE89…' };
const DISPLAY = { title: 'Send €1,250.00', fields: [{ label: 'To', value: 'DE89…' }] };

let keys: SigningKeySet;
let act: string;
let dsp: string;

beforeAll(async () => {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
    format: 'jwk',
  });
  keys = await loadSigningKeys(JSON.stringify({ keys: [jwk] }));
  act = await hashAction(ACTION);
  dsp = await hashDisplay(DISPLAY);
});

function receipt(overrides: Partial<ReceiptClaims> = {}): Promise<string> {
  const claims: ReceiptClaims = {
    iss: ISS,
    sub: SUB,
    aud: AUD,
    iat: NOW,
    exp: NOW + 300,
    jti: randomId(),
    act,
    act_type: ACTION.type,
    dsp,
    nonce: randomId(),
    uv: true,
    cred: {
      id: 'cred-1',
      aaguid: '00000000-0000-0000-0000-000000000000',
      device_bound: true,
      backed_up: false,
    },
    ...overrides,
  };
  for (const [k, v] of Object.entries(claims))
    if (v === undefined) delete (claims as unknown as Record<string, unknown>)[k];
  return signReceipt(claims, keys.signer);
}

function opts(extra: Record<string, unknown> = {}): VerifyReceiptOptions {
  const action = 'actionHash' in extra ? {} : { action: ACTION };
  return {
    jwks: keys.jwks,
    issuer: ISS,
    audience: AUD,
    subject: SUB,
    ...action,
    now: new Date(NOW * 1000 + 10_000),
    ...extra,
  } as VerifyReceiptOptions;
}

async function code(
  token: string,
  options: VerifyReceiptOptions,
): Promise<ReceiptErrorCode | 'ok'> {
  return verifyReceipt(token, options).then(
    () => 'ok' as const,
    (e: unknown) => {
      expect(e).toBeInstanceOf(ReceiptError);
      return (e as ReceiptError).code;
    },
  );
}

describe('options a backend cannot leave out', () => {
  it('invalid_options, before the token is looked at (garbage in place of a receipt)', async () => {
    const { action: _a, ...noAction } = opts() as unknown as Record<string, unknown>;
    const { subject: _s, ...noSubject } = opts() as unknown as Record<string, unknown>;
    const cases: [string, Record<string, unknown>][] = [
      ['no subject', noSubject],
      ['an empty subject', { ...opts(), subject: '' }],
      ['a subject that is not a string', { ...opts(), subject: 123 }],
      ['an undefined subject', { ...opts(), subject: undefined }],
      ['none of action, actionHash, action: false', noAction],
      ['action and actionHash', { ...opts(), actionHash: act }],
      ['action: false and actionHash', { ...noAction, action: false, actionHash: act }],
      ['an undefined action', { ...opts(), action: undefined }],
      [
        'an undefined action beside an actionHash',
        { ...noAction, action: undefined, actionHash: act },
      ],
      ['an undefined actionHash beside an action', { ...opts(), actionHash: undefined }],
      ['an actionHash that is not a string', { ...noAction, actionHash: 42 }],
      ['action: true (not an action, not the opt-out)', { ...opts(), action: true }],
      ['an actionHash passed as the action', { ...opts(), action: act }],
      ['action: null', { ...opts(), action: null }],
      ['an array as the action', { ...opts(), action: [ACTION] }],
      ['an unknown option (a typo of subject)', { ...noSubject, subjet: SUB }],
      ['an unknown option beside a complete set', { ...opts(), alowOffline: true }],
      ['an unknown option of another library', { ...opts(), algorithms: ['HS256'] }],
      ['an undefined display', { ...opts(), display: undefined }],
      ['a display that is not an object', { ...opts(), display: dsp }],
      ['allowOffline that is not a boolean', { ...opts(), allowOffline: 'yes' }],
    ];
    const token = await receipt();
    for (const [name, options] of cases) {
      for (const t of [token, 'garbage'])
        expect(await code(t, options as never), name).toBe('invalid_options');
    }
    // An action or display with no JSON form is the caller's bug, reported as such, also before the token.
    expect(await code('garbage', opts({ action: { n: Number.NaN } }))).toBe('invalid_json');
    expect(await code('garbage', opts({ display: { title: '\ud800' } }))).toBe('invalid_json');
  });

  it('each of action, actionHash and action: false is one answer', async () => {
    const token = await receipt();
    expect(await code(token, opts({ action: ACTION }))).toBe('ok');
    expect(await code(token, opts({ actionHash: act }))).toBe('ok');
    expect(await code(token, opts({ action: false }))).toBe('ok');
    // allowOffline: false and undefined both mean the default.
    expect(await code(token, opts({ allowOffline: false }))).toBe('ok');
    expect(await code(token, opts({ allowOffline: undefined }))).toBe('ok');
  });
});

describe('subject', () => {
  it('a receipt for another user: subject_mismatch, however the action is named', async () => {
    const token = await receipt({ sub: 'u-999' });
    for (const extra of [{}, { actionHash: act }, { action: false }])
      expect(await code(token, opts(extra))).toBe('subject_mismatch');
    // Exact comparison: no case folding, no prefix, no trimming.
    const mine = await receipt();
    for (const subject of ['U-123', 'u-12', 'u-1234', ' u-123', 'u-123 '])
      expect(await code(mine, opts({ subject }))).toBe('subject_mismatch');
  });
});

describe('display', () => {
  it('the dsp of the given display passes; another display, or a receipt without dsp, is display_mismatch', async () => {
    const token = await receipt();
    expect(await code(token, opts({ display: DISPLAY }))).toBe('ok');
    // Member order does not matter (JCS), content does.
    expect(
      await code(token, opts({ display: { fields: DISPLAY.fields, title: DISPLAY.title } })),
    ).toBe('ok');
    expect(await code(token, opts({ display: { ...DISPLAY, title: 'Send €12.50' } }))).toBe(
      'display_mismatch',
    );
    expect(await code(token, opts({ display: { ...DISPLAY, fields: [] } }))).toBe(
      'display_mismatch',
    );
    const noDsp = await receipt({ dsp: undefined });
    expect(await code(noDsp, opts({ display: DISPLAY }))).toBe('display_mismatch');
    // Without a display option, dsp is not compared.
    expect(await code(noDsp, opts())).toBe('ok');
  });

  it('the statement rebuilt from a receipt with dsp carries it', async () => {
    const { claims, statement } = await verifyReceipt(await receipt(), opts({ display: DISPLAY }));
    expect(statement).toEqual({
      v: 1,
      iss: ISS,
      aud: AUD,
      sub: SUB,
      act,
      dsp,
      nonce: claims.nonce,
    });
    expect(await statementChallenge(statement)).not.toBe(
      await statementChallenge({ ...statement, dsp: undefined }),
    );
  });
});

describe('offline receipts', () => {
  it('offline: true is offline_not_allowed unless allowOffline: true', async () => {
    const offline = await receipt({ offline: true, signed_at: NOW - 30 });
    expect(await code(offline, opts())).toBe('offline_not_allowed');
    expect(await code(offline, opts({ action: false }))).toBe('offline_not_allowed');
    const { claims } = await verifyReceipt(offline, opts({ allowOffline: true }));
    expect(claims).toMatchObject({ offline: true, signed_at: NOW - 30 });
    // An online receipt passes either way.
    expect(await code(await receipt(), opts({ allowOffline: true }))).toBe('ok');
    expect(await code(await receipt({ offline: false }), opts())).toBe('ok');
  });
});

describe('the order of the checks: options, signature and claims, subject, action, display, offline', () => {
  it('reports the first failing check', async () => {
    const allWrong = await receipt({
      sub: 'u-999',
      act: await hashAction({ type: 'other' }),
      dsp: await hashDisplay({ title: 'other' }),
      offline: true,
      signed_at: NOW - 30,
    });
    const [h, p, s] = allWrong.split('.') as [string, string, string];
    const flipped = `${h}.${p}.${s.slice(0, -4)}${s.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    expect(await code(flipped, opts({ subject: '' }))).toBe('invalid_options');
    expect(await code(flipped, opts({ display: DISPLAY }))).toBe('signature_invalid');
    expect(await code(allWrong, opts({ display: DISPLAY, now: (NOW + 3600) * 1000 }))).toBe(
      'expired',
    );
    expect(await code(allWrong, opts({ display: DISPLAY }))).toBe('subject_mismatch');
    expect(await code(allWrong, opts({ display: DISPLAY, subject: 'u-999' }))).toBe(
      'action_mismatch',
    );
    expect(await code(allWrong, opts({ display: DISPLAY, subject: 'u-999', action: false }))).toBe(
      'display_mismatch',
    );
    expect(await code(allWrong, opts({ subject: 'u-999', action: false }))).toBe(
      'offline_not_allowed',
    );
    expect(
      await code(allWrong, opts({ subject: 'u-999', action: false, allowOffline: true })),
    ).toBe('ok');
  });
});
