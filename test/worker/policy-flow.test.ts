/**
 * The policy enforced end to end: "transfers over 10,000 need a device-bound,
 * attested authenticator; everything else needs any verified passkey",
 * configured in POLICY, seen in the receipts and the refusals.
 *
 * POLICY is read in two places. The Worker reads it when it creates an action
 * ticket (the rule is chosen and frozen then); these tests call the app with
 * `{ ...env, POLICY }`. The user's Durable Object reads it at enrollment, and
 * a Durable Object gets the env of the test configuration, so enrollments
 * under a policy run the vault's own enroll() on an instance built with that
 * env, inside the real object (runInDurableObject), on the real ticket.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createExecutionContext, env, runInDurableObject } from 'cloudflare:test';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import app from '../../worker/index';
import { ticketHash } from '../../worker/http/ticket';
import { UserVault } from '../../worker/vault/user-vault';
import type { Outcome } from '../../worker/vault/types';
import type { RegistrationOutcome } from '../../worker/vault/user-vault';
import { SoftAuthenticator } from '../support/soft-authenticator';
import type { SoftAuthenticatorOptions } from '../support/soft-authenticator/types';
import { TestCert, packedFullAttestation } from '../support/test-ca';
import {
  BASE,
  ORIGIN,
  apiKey,
  call,
  enrollmentTicket,
  expectProblem,
  newUserId,
  type Reply,
} from './harness';

const YUBIKEY = 'cb69481e-8ff7-4039-93ec-0a2729a154a8';
const ICLOUD = 'fbfc3007-154e-4ecc-8c0b-6e020557d7bd';
const LEAF = { C: 'SE', O: 'PSEA tests', OU: 'Authenticator Attestation', CN: 'PSEA Test Key' };

let root: TestCert | undefined;
/** One test CA per file: its root is the bank's packed trust anchor. */
async function ca(): Promise<TestCert> {
  root ??= await TestCert.root('PSEA Test Hardware Keys');
  return root;
}

async function bankPolicy(extra: Record<string, unknown> = {}): Promise<string> {
  return JSON.stringify({
    trustAnchors: { packed: [(await ca()).pem] },
    rules: [
      {
        id: 'large-transfer',
        match: { type: 'wire.transfer', gt: { amount: 10000 } },
        require: { deviceBound: true, attested: true },
      },
      { id: 'default' },
    ],
    ...extra,
  });
}

/** Call the app with POLICY set in the Worker's env. */
async function callWith(
  policy: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  auth = true,
): Promise<Reply> {
  const headers = new Headers();
  if (body !== undefined) headers.set('content-type', 'application/json');
  if (auth) headers.set('authorization', `Bearer ${apiKey()}`);
  const req = new Request(`${BASE}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const res = await app.fetch(req, { ...env, POLICY: policy }, createExecutionContext());
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

/** Enroll under a policy through the vault's own enroll(); `chain` makes it packed full attestation. */
async function enrollUnder(
  policy: string | undefined,
  userId: string,
  opts: SoftAuthenticatorOptions = {},
  chain?: (root: TestCert) => Promise<TestCert[]>,
): Promise<{ auth: SoftAuthenticator; ticket: string; outcome: Outcome<RegistrationOutcome> }> {
  const auth = await SoftAuthenticator.create(opts);
  const ticket = await enrollmentTicket(userId);
  const options = await call('GET', `/v1/enrollments/${ticket}`, undefined, { auth: false });
  let response = await auth.register(options.body.options, { origin: ORIGIN });
  if (chain) response = await packedFullAttestation(response, await chain(await ca()));
  const stub = env.VAULT.get(env.VAULT.idFromName(userId));
  const hash = await ticketHash(ticket);
  const outcome = await runInDurableObject(stub, (_vault, state) =>
    new UserVault(state, { ...env, POLICY: policy }).enroll(hash, response, Date.now()),
  );
  return { auth, ticket, outcome };
}

const attestedChain = (aaguid: string) => async (r: TestCert) => [
  await r.issue({ ...LEAF, aaguid }),
];

/** Enroll under a policy; a later credential is held (v2) until `approver` approves it. */
async function enrolled(
  policy: string | undefined,
  userId: string,
  opts: SoftAuthenticatorOptions = {},
  chain?: (root: TestCert) => Promise<TestCert[]>,
  approver?: SoftAuthenticator,
) {
  const { auth, ticket, outcome } = await enrollUnder(policy, userId, opts, chain);
  if (!outcome.ok) throw new Error(`enrollment refused: ${JSON.stringify(outcome.problem)}`);
  if ('pending' in outcome.value) {
    if (!approver) throw new Error('enrollment held for approval, and no approver given');
    const approval = await approver.assert(outcome.value.approval.options, { origin: ORIGIN });
    const approved = await callWith(
      policy,
      'POST',
      `/v1/enrollments/${ticket}/approve`,
      approval,
      false,
    );
    if (approved.status !== 201)
      throw new Error(`approval refused: ${approved.status} ${JSON.stringify(approved.body)}`);
  }
  return auth;
}

const wire = (amount: string) => ({
  type: 'wire.transfer',
  amount,
  currency: 'EUR',
  to: 'DE89370400440532013000',
});

/** Ask for an approval under `policy`, answer it with `auth`; the reply of the verify call. */
async function approve(
  policy: string | undefined,
  userId: string,
  action: Record<string, unknown>,
  auth: SoftAuthenticator,
): Promise<Reply> {
  const created = await callWith(policy, 'POST', '/v1/actions', {
    user: { id: userId },
    action,
    audience: 'payments-api',
  });
  expect(created.status).toBe(201);
  return answer(policy, created.body.ticket, auth);
}

async function answer(
  policy: string | undefined,
  ticket: string,
  auth: SoftAuthenticator,
): Promise<Reply> {
  const details = await callWith(policy, 'GET', `/v1/actions/${ticket}`, undefined, false);
  return callWith(
    policy,
    'POST',
    `/v1/actions/${ticket}/verify`,
    await auth.assert(details.body.options, { origin: ORIGIN }),
    false,
  );
}

function claims(reply: Reply): Record<string, any> {
  expect(reply.status).toBe(200);
  return JSON.parse(isoBase64URL.toUTF8String(reply.body.receipt.split('.')[1]));
}

afterEach(() => vi.restoreAllMocks());

describe('"transfers over 10,000 need a device-bound, attested authenticator; everything else any verified passkey"', () => {
  it('enforces it, and every receipt says which rule applied and what kind of device approved', async () => {
    const BANK = await bankPolicy();
    const userId = newUserId('bank');

    // A synced passkey (iCloud Keychain) enrolls: the default rule can use it.
    const phone = await enrolled(BANK, userId, {
      aaguid: ICLOUD,
      backupEligible: true,
      backedUp: true,
    });

    const small = claims(await approve(BANK, userId, wire('1250.00'), phone));
    expect(small.pol).toBe('default');
    expect(small.cred).toEqual({
      id: phone.credentialId,
      aaguid: ICLOUD,
      device_bound: false,
      backed_up: true,
      attested: false,
      enrolled_at: expect.any(Number),
    });

    const refused = await approve(BANK, userId, wire('12500.00'), phone);
    expectProblem(refused, 422, 'policy_unmet');
    expect(refused.body.detail).toMatch(/device-bound/);

    // A hardware key with packed attestation chaining to the bank's configured root.
    const key = await enrolled(BANK, userId, { aaguid: YUBIKEY }, attestedChain(YUBIKEY), phone);
    const large = claims(await approve(BANK, userId, wire('12500.00'), key));
    expect(large.pol).toBe('large-transfer');
    expect(large.cred).toEqual({
      id: key.credentialId,
      aaguid: YUBIKEY,
      device_bound: true,
      backed_up: false,
      attested: true,
      enrolled_at: expect.any(Number),
    });

    // The listing shows the same facts.
    const listed = await call('GET', `/v1/users/${userId}/credentials`);
    const facts = Object.fromEntries(
      listed.body.credentials.map((c: any) => [
        c.id,
        { fmt: c.fmt, attested: c.attested, deviceBound: c.deviceBound, backedUp: c.backedUp },
      ]),
    );
    expect(facts).toEqual({
      [phone.credentialId]: { fmt: 'none', attested: false, deviceBound: false, backedUp: true },
      [key.credentialId]: { fmt: 'packed', attested: true, deviceBound: true, backedUp: false },
    });
  });

  it('refuses a device-bound key whose attestation nobody vouches for', async () => {
    const BANK = await bankPolicy();
    const userId = newUserId('bank');
    // Self attestation, and full attestation from a CA the bank does not trust: both enroll unattested.
    const selfAttested = await enrolled(BANK, userId);
    const stranger = await TestCert.root('Unknown Vendor');
    const foreign = await enrolled(
      BANK,
      userId,
      { aaguid: YUBIKEY },
      async () => [await stranger.issue({ ...LEAF, aaguid: YUBIKEY })],
      selfAttested,
    );
    for (const auth of [selfAttested, foreign]) {
      const reply = await approve(BANK, userId, wire('10000.01'), auth);
      expectProblem(reply, 422, 'policy_unmet');
      expect(reply.body.detail).toMatch(/attestation/);
      expect(claims(await approve(BANK, userId, wire('10000.00'), auth)).pol).toBe('default');
    }
  });

  it('gives an amount it cannot read the strictest rule, not the default', async () => {
    const BANK = await bankPolicy();
    const userId = newUserId('bank');
    const phone = await enrolled(BANK, userId, { backupEligible: true });
    expectProblem(await approve(BANK, userId, wire('12,500.00'), phone), 422, 'policy_unmet');
  });

  it('freezes the rule into the ticket: a later policy change does not apply to it', async () => {
    const BANK = await bankPolicy();
    const userId = newUserId('bank');
    const phone = await enrolled(BANK, userId, { backupEligible: true });

    // Created under the shipped default, answered while the bank policy is in force.
    const lenient = await callWith(undefined, 'POST', '/v1/actions', {
      user: { id: userId },
      action: wire('50000.00'),
    });
    expect(claims(await answer(BANK, lenient.body.ticket, phone)).pol).toBe('default');

    // Created under the bank policy, answered while the default is back.
    const strict = await callWith(BANK, 'POST', '/v1/actions', {
      user: { id: userId },
      action: wire('50000.00'),
    });
    expectProblem(await answer(undefined, strict.body.ticket, phone), 422, 'policy_unmet');
  });
});

describe('the authenticator name in receipts and listings', () => {
  it('comes from the credential record (filled from FIDO metadata at enrollment)', async () => {
    const userId = newUserId('named');
    const key = await enrolled(undefined, userId, { aaguid: YUBIKEY });
    // The shipped metadata is empty, so set the stored name the way enroll() would have.
    const stub = env.VAULT.get(env.VAULT.idFromName(userId));
    await runInDurableObject(stub, (_vault, state) => {
      state.storage.sql.exec(
        'UPDATE credentials SET authenticator_name = ? WHERE id = ?',
        'YubiKey 5 Series',
        key.credentialId,
      );
    });
    expect(claims(await approve(undefined, userId, wire('10.00'), key)).cred).toMatchObject({
      aaguid: YUBIKEY,
      name: 'YubiKey 5 Series',
      attested: false,
    });
    const listed = await call('GET', `/v1/users/${userId}/credentials`);
    expect(listed.body.credentials[0]).toMatchObject({
      aaguid: YUBIKEY,
      authenticatorName: 'YubiKey 5 Series',
      attested: false,
      fmt: 'none',
    });
  });
});

describe('an action no rule matches gets the strictest rule', () => {
  it('an AI-agent platform without a catch-all: an unforeseen action needs the strictest authenticator', async () => {
    const AGENTS = JSON.stringify({
      trustAnchors: { packed: [(await ca()).pem] },
      rules: [
        { id: 'agent-spend', match: { type: 'agent.purchase', lte: { amount: 500 } } },
        {
          id: 'agent-deploy',
          match: { type: ['agent.deploy', 'agent.grant'] },
          require: { deviceBound: true, attested: true },
        },
      ],
    });
    const userId = newUserId('agents');
    // The key first: adding the phone is an action no rule matches too, so only the key can approve it.
    const key = await enrolled(AGENTS, userId, { aaguid: YUBIKEY }, attestedChain(YUBIKEY));
    const phone = await enrolled(AGENTS, userId, { backupEligible: true }, undefined, key);
    expect(
      claims(await approve(AGENTS, userId, { type: 'agent.purchase', amount: '20.00' }, phone)).pol,
    ).toBe('agent-spend');
    expectProblem(
      await approve(AGENTS, userId, { type: 'agent.delete_all_data' }, phone),
      422,
      'policy_unmet',
    );
    expect(claims(await approve(AGENTS, userId, { type: 'agent.delete_all_data' }, key)).pol).toBe(
      'agent-deploy',
    );
  });
});

describe('attestation_rejected: enrollments the policy could never use', () => {
  it.each([
    [
      'a synced passkey when allowSynced is false',
      { allowSynced: false },
      { backupEligible: true, aaguid: ICLOUD },
    ],
    ['a denied model', { aaguidDeny: [ICLOUD] }, { aaguid: ICLOUD }],
    ['a model outside the allow list', { aaguidAllow: [YUBIKEY] }, { aaguid: ICLOUD }],
  ])('refuses %s', async (_what, extra, opts) => {
    const { outcome } = await enrollUnder(await bankPolicy(extra), newUserId('refused'), opts);
    expect(outcome).toMatchObject({ ok: false, problem: { code: 'attestation_rejected' } });
  });

  it('refuses an unattested key when every rule requires attestation, and accepts an attested one', async () => {
    const STRICT = JSON.stringify({
      trustAnchors: { packed: [(await ca()).pem] },
      rules: [{ id: 'hardware-only', require: { deviceBound: true, attested: true } }],
    });
    const userId = newUserId('strict');
    expect((await enrollUnder(STRICT, userId)).outcome).toMatchObject({
      ok: false,
      problem: {
        code: 'attestation_rejected',
        detail: 'no policy rule accepts this authenticator',
      },
    });
    expect(
      (await enrollUnder(STRICT, userId, { aaguid: YUBIKEY }, attestedChain(YUBIKEY))).outcome,
    ).toMatchObject({ ok: true });
  });
});

describe('POLICY is validated at start and fails closed', () => {
  it('a malformed POLICY stops action tickets with 500 misconfigured and a log line naming POLICY', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const bad = '{"rules":[{"id":"a","require":{"attested":true}}],"attestation":"none"}';
    const reply = await callWith(bad, 'POST', '/v1/actions', {
      user: { id: newUserId() },
      action: wire('1'),
    });
    expectProblem(reply, 500, 'misconfigured');
    expect(reply.body.detail).toBe('POLICY is missing or malformed');
    expect(log.mock.calls.flat().join(' ')).toMatch(
      /misconfigured: POLICY: rules\.0\.require\.attested/,
    );
  });

  it('and stops enrollments too', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const { outcome } = await enrollUnder('{"rules":[]}', newUserId());
    expect(outcome).toMatchObject({ ok: false, problem: { code: 'misconfigured' } });
  });
});
