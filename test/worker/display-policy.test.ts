/**
 * The two policy rule options of SPEC.md v2 "What the person sees cannot hide
 * what is signed": `refuseFormatChars` (POST /v1/actions refuses characters
 * that hide, anywhere in the action or display) and `origins` (an approval
 * only from the rule's origins, such as the hosted page, out of the host
 * page's reach). The attacker controls a free-text field, or runs script in
 * an allowed host page.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createExecutionContext, env } from 'cloudflare:test';
import app from '../../worker/index';
import {
  BASE,
  ORIGIN,
  OTHER_ALLOWED_ORIGIN,
  apiKey,
  enroll,
  expectProblem,
  newUserId,
  ticketRow,
  type Reply,
} from './harness';
import { parsePolicy } from '../../worker/policy/parse-policy';
import { selectRule } from '../../worker/policy/select-rule';
import { checkClientData } from '../../packages/psea/src/webauthn/client-data';
import type { SoftAuthenticator } from '../support/soft-authenticator';

const WIRE = {
  type: 'wire.transfer',
  amount: '1250.00',
  currency: 'EUR',
  to: 'DE89370400440532013000',
};

/** Wires refuse hiding characters and are approved only on the service's own (hosted) origin; notes are free. */
const POLICY = JSON.stringify({
  rules: [
    { id: 'wire', match: { type: 'wire.*' }, refuseFormatChars: true, origins: [ORIGIN] },
    { id: 'default' },
  ],
});

async function callWith(
  policy: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  auth = true,
  overrides: Record<string, string> = {},
): Promise<Reply> {
  const headers = new Headers();
  if (body !== undefined) headers.set('content-type', 'application/json');
  if (auth) headers.set('authorization', `Bearer ${apiKey()}`);
  const req = new Request(`${BASE}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const res = await app.fetch(
    req,
    { ...env, POLICY: policy, ...overrides },
    createExecutionContext(),
  );
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

const create = (
  policy: string | undefined,
  userId: string,
  extra: Record<string, unknown>,
): Promise<Reply> =>
  callWith(policy, 'POST', '/v1/actions', {
    user: { id: userId },
    action: WIRE,
    audience: 'payments-api',
    ...extra,
  });

/** Answer a ticket with an assertion made on `origin`. */
async function answerFrom(origin: string, ticket: string, auth: SoftAuthenticator): Promise<Reply> {
  const details = await callWith(undefined, 'GET', `/v1/actions/${ticket}`, undefined, false);
  return callWith(
    undefined,
    'POST',
    `/v1/actions/${ticket}/verify`,
    await auth.assert(details.body.options, { origin }),
    false,
  );
}

const pol = (reply: Reply): string =>
  JSON.parse(atob(reply.body.receipt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).pol;

afterEach(() => vi.restoreAllMocks());

describe('refuseFormatChars: POST /v1/actions refuses characters that hide', () => {
  it.each([
    [
      'a member name',
      { action: { ...WIRE, '\u202Eto': 'x' } },
      'action.⟨U+202E⟩to: member name holds U+202E',
    ],
    [
      'the payee (an RLO spoof)',
      { action: { ...WIRE, to: '\u202Eelpmaxe.knab@ecila' } },
      'action.to: holds U+202E',
    ],
    [
      'a nested string',
      { action: { ...WIRE, fee: { amount: '1.00', note: 'a\u200Bb' } } },
      'action.fee.note: holds U+200B',
    ],
    [
      'a nested member name',
      { action: { ...WIRE, fee: { 'amount\u00A0': '1.00' } } },
      'action.fee.amount⟨U+00A0⟩: member name holds U+00A0',
    ],
    [
      'a string in an array',
      { action: { ...WIRE, legs: ['ok', 'x\u{E0001}'] } },
      'action.legs.1: holds U+E0001',
    ],
    [
      'the type itself',
      { action: { ...WIRE, type: 'wire.transfer\u2066' } },
      'action.type: holds U+2066',
    ],
    ['a line break', { action: { ...WIRE, memo: 'line\nbreak' } }, 'action.memo: holds U+000A'],
    [
      'the display title',
      { display: { title: 'Send\u3000€1,250.00', fields: [] } },
      'display.title: holds U+3000',
    ],
    [
      'a display label',
      {
        display: {
          title: 'Send',
          fields: [
            { label: 'To', value: 'x' },
            { label: 'Fee\uFEFF', value: '0' },
          ],
        },
      },
      'display.fields.1.label: holds U+FEFF',
    ],
    [
      'a display value',
      { display: { title: 'Send', fields: [{ label: 'To', value: '\u202Eelpmaxe.knab@ecila' }] } },
      'display.fields.0.value: holds U+202E',
    ],
  ])('refuses %s with 400 invalid_request naming the field', async (_what, extra, detail) => {
    const reply = await create(POLICY, newUserId('fmt'), extra);
    expectProblem(reply, 400, 'invalid_request');
    expect(reply.body.detail).toContain(detail);
    expect(reply.body.detail).toContain('"wire"');
    // The detail names the character; it never carries one.
    expect(reply.body.detail).not.toMatch(
      /[\u202E\u200B\u00A0\u2066\u3000\uFEFF\n]|\uD800|\u{E0001}/u,
    );
  });

  // The request schema refuses a lone surrogate in any display string before any rule is
  // chosen (it has no canonical form, so no dsp), naming the field as well.
  it('refuses a lone surrogate in the display with 400 invalid_request naming the field, for every rule', async () => {
    const reply = await create(POLICY, newUserId('fmt'), {
      display: { title: 'Send', fields: [{ label: 'To', value: 'a\uD800' }] },
    });
    expectProblem(reply, 400, 'invalid_request');
    expect(reply.body.detail).toMatch(/^display\.fields\.0\.value: /);
    expect(reply.body.detail).not.toMatch(/\uD800/u);
  });

  it('lets the same characters through for an action of another rule, and for any action without the option', async () => {
    const userId = newUserId('fmt');
    await enroll(userId);
    const note = { type: 'note.send', body: '\u202Eelpmaxe.knab@ecila', 'name\u200B': 'x' };
    expect((await create(POLICY, userId, { action: note })).status).toBe(201);
    expect(
      (await create(undefined, userId, { action: { ...WIRE, to: '\u202Eelpmaxe.knab@ecila' } }))
        .status,
    ).toBe(201);
  });

  it('lets a clean wire through, typed look-alikes and ordinary spaces included', async () => {
    const userId = newUserId('fmt');
    await enroll(userId);
    const reply = await create(POLICY, userId, {
      action: { ...WIRE, memo: 'rent ⟨U+202E⟩ march', 'pay to': 'Ana' },
      display: {
        title: 'Send €1,250.00',
        fields: [{ label: 'To', value: 'DE89 3704 0044 0532 0130 00' }],
      },
    });
    expect(reply.status).toBe(201);
  });

  it('checks a wire sent without a display through its action, which the default display shows', async () => {
    const reply = await create(POLICY, newUserId('fmt'), {
      action: { ...WIRE, nested: { to: 'a\u200Db' } },
    });
    expectProblem(reply, 400, 'invalid_request');
    expect(reply.body.detail).toContain('action.nested.to: holds U+200D');
  });
});

describe('origins: approvals for the rule only from its origins', () => {
  it('refuses an assertion from another allowed origin with 422 origin_mismatch, counted; accepts the rule origin', async () => {
    const userId = newUserId('origins');
    const { auth } = await enroll(userId);
    const created = await create(POLICY, userId, {});
    expect(created.status).toBe(201);

    // A script on the host page (an allowed origin) runs the ceremony itself.
    const refused = await answerFrom(OTHER_ALLOWED_ORIGIN, created.body.ticket, auth);
    expectProblem(refused, 422, 'origin_mismatch');
    expect(refused.body.detail).toMatch(/policy rule/);
    expect((await ticketRow(userId, created.body.ticket)).failures).toBe(1);

    const accepted = await answerFrom(ORIGIN, created.body.ticket, auth);
    expect(accepted.status).toBe(200);
    expect(pol(accepted)).toBe('wire');
  });

  it("keeps the other rules' approvals on every allowed origin", async () => {
    const userId = newUserId('origins');
    const { auth } = await enroll(userId);
    const created = await create(POLICY, userId, { action: { type: 'note.send', body: 'hi' } });
    const reply = await answerFrom(OTHER_ALLOWED_ORIGIN, created.body.ticket, auth);
    expect(reply.status).toBe(200);
    expect(pol(reply)).toBe('default');
  });

  it('is frozen into the ticket: the approval is judged by the rule the ticket got, not by POLICY now', async () => {
    const userId = newUserId('origins');
    const { auth } = await enroll(userId);
    const created = await create(POLICY, userId, {});
    // The user's Durable Object runs with the test configuration's env, which has no POLICY at all
    // (the default rule, no origins): only the rule frozen into the ticket can refuse this.
    expect(env.POLICY ?? '').toBe('');
    expectProblem(
      await answerFrom(OTHER_ALLOWED_ORIGIN, created.body.ticket, auth),
      422,
      'origin_mismatch',
    );
  });

  it('needs the origin in both lists: a rule origin no longer in ALLOWED_ORIGINS is refused', () => {
    const cd = { type: 'webauthn.get', challenge: 'c', origin: 'https://approve.example.com' };
    const expected = {
      type: 'webauthn.get' as const,
      challenge: 'c',
      allowedOrigins: new Set([ORIGIN]),
    };
    expect(() =>
      checkClientData(cd, { ...expected, ruleOrigins: new Set(['https://approve.example.com']) }),
    ).toThrow(
      expect.objectContaining({
        code: 'origin_mismatch',
        message: 'clientDataJSON.origin is not an allowed origin',
      }),
    );
    expect(() =>
      checkClientData({ ...cd, origin: ORIGIN }, { ...expected, ruleOrigins: new Set([ORIGIN]) }),
    ).not.toThrow();
  });
});

describe('the options are validated with the rest of POLICY', () => {
  it.each([
    [
      'an origin with a path',
      { origins: ['https://approve.example.com/approve'] },
      /rules\.0\.origins\.0: not a bare origin/,
    ],
    ['a non-URL', { origins: ['approve.example.com'] }, /rules\.0\.origins\.0: not a bare origin/],
    ['an empty list', { origins: [] }, /rules\.0\.origins/],
    [
      'an origin outside ALLOWED_ORIGINS',
      { origins: ['https://approve.example.com'] },
      /rules\.0\.origins: https:\/\/approve\.example\.com is not in ALLOWED_ORIGINS/,
    ],
    [
      'a non-boolean refuseFormatChars',
      { refuseFormatChars: 'yes' },
      /rules\.0\.refuseFormatChars/,
    ],
  ])('refuses %s: 500 misconfigured, logged', async (_what, option, logged) => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const policy = JSON.stringify({
      rules: [{ id: 'wire', match: { type: 'wire.*' }, ...option }, { id: 'default' }],
    });
    const reply = await create(policy, newUserId('cfg'), {});
    expectProblem(reply, 500, 'misconfigured');
    expect(reply.body.detail).toBe('POLICY is missing or malformed');
    expect(log.mock.calls.flat().join(' ')).toMatch(logged);
  });
});

describe('the options in rule selection', () => {
  const A = 'https://a.example.com';
  const B = 'https://b.example.com';
  const C = 'https://c.example.com';
  const rules = (...r: unknown[]) => JSON.stringify({ rules: r });

  it('are frozen into the applied rule only when set; a rule without them applies as before', () => {
    const p = parsePolicy(
      rules(
        { id: 'wire', match: { type: 'wire.*' }, origins: [`${A}/`, A], refuseFormatChars: true },
        { id: 'default', refuseFormatChars: false },
      ),
    );
    expect(selectRule(p, { type: 'wire.transfer' })).toEqual({
      id: 'wire',
      require: {},
      origins: [A],
      refuseFormatChars: true,
    });
    expect(selectRule(p, { type: 'note.send' })).toEqual({ id: 'default', require: {} });
  });

  it('count towards the strictest rule: fewer origins and refusing hiding characters are stricter', () => {
    const p = parsePolicy(
      rules(
        { id: 'x', match: { type: 'x' }, origins: [A, B] },
        { id: 'y', match: { type: 'y' }, origins: [B], refuseFormatChars: true },
      ),
    );
    expect(p.strictest).toEqual({ id: 'y', require: {}, origins: [B], refuseFormatChars: true });
    expect(selectRule(p, { type: 'unforeseen' })).toEqual({
      id: 'y',
      require: {},
      origins: [B],
      refuseFormatChars: true,
    });
  });

  it('combine when no rule is the strictest: origins intersected, refusal if any rule refuses', () => {
    const p = parsePolicy(
      rules(
        { id: 'x', match: { type: 'x' }, require: { deviceBound: true }, origins: [A, B] },
        { id: 'y', match: { type: 'y' }, origins: [B, C], refuseFormatChars: true },
      ),
    );
    expect(p.strictest).toEqual({
      id: 'strictest',
      require: { deviceBound: true },
      origins: [B],
      refuseFormatChars: true,
    });
  });

  it('refuse origins lists with nothing in common: an unforeseen action could never be approved', () => {
    expect(() =>
      parsePolicy(
        rules(
          { id: 'x', match: { type: 'x' }, origins: [A] },
          { id: 'y', match: { type: 'y' }, origins: [B] },
        ),
      ),
    ).toThrow(/origins lists share no origin/);
  });
});
