/** POST /v1/actions/:ticket/verify: every check SPEC lists, each with its own code. */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  SoftAuthenticator,
  b64url,
  ecdsaRawToDer,
  fromB64url,
} from '../support/soft-authenticator';
import { isStrictDerEcdsaP256 } from '../../packages/psea/src/webauthn/ecdsa-der';
import type { AssertionBend, SoftAuthenticatorOptions } from '../support/soft-authenticator/types';
import {
  OTHER_ALLOWED_ORIGIN,
  actionState,
  assertion,
  call,
  credentialsOf,
  details,
  enroll,
  enrollAnother,
  expectProblem,
  newUserId,
  nextMillisecond,
  requestAction,
  ticketRow,
  vaultRows,
  verify,
} from './harness';

const randomB64 = (n = 32) => b64url(crypto.getRandomValues(new Uint8Array(n)));

/** One enrolled user; each case gets its own ticket so failures never add up. */
function enrolledUser(options: SoftAuthenticatorOptions = {}) {
  const user = { id: '', auth: undefined as unknown as SoftAuthenticator };
  beforeAll(async () => {
    user.id = newUserId('vc');
    const { auth, reply } = await enroll(user.id, options);
    expect(reply.status).toBe(201);
    user.auth = auth;
  });
  return user;
}

async function failsWith(
  userId: string,
  auth: SoftAuthenticator,
  bend: AssertionBend,
  code: string,
) {
  const { ticket } = await requestAction(userId);
  const r = await verify(ticket, await assertion(ticket, auth, bend));
  expectProblem(r, 422, code);
  // A failed check leaves the ticket pending, one attempt spent.
  expect((await actionState(ticket)).state).toBe('pending');
  expect((await ticketRow(userId, ticket)).failures).toBe(1);
  return r;
}

describe('422 checks on a device-bound ES256 credential', () => {
  const user = enrolledUser();
  const cases: [string, AssertionBend, string][] = [
    ['a foreign origin', { origin: 'https://evil.example' }, 'origin_mismatch'],
    [
      'an origin that only looks allowed',
      { origin: 'http://localhost:8787.evil.example' },
      'origin_mismatch',
    ],
    ['an origin with a trailing slash', { origin: 'http://localhost:8787/' }, 'origin_mismatch'],
    ['crossOrigin true', { crossOrigin: true }, 'origin_mismatch'],
    ['a topOrigin', { topOrigin: 'https://evil.example' }, 'origin_mismatch'],
    ['origin missing', { clientDataJSON: ({ origin: _o, ...cd }) => cd }, 'origin_mismatch'],
    ['another RP ID', { rpId: 'evil.example' }, 'rp_id_mismatch'],
    ['an rpIdHash of zeros', { rpIdHash: new Uint8Array(32) }, 'rp_id_mismatch'],
    ['another challenge', { challenge: randomB64() }, 'challenge_mismatch'],
    [
      'the challenge with padding',
      { clientDataJSON: (cd) => ({ ...cd, challenge: `${cd.challenge as string}=` }) },
      'challenge_mismatch',
    ],
    ['type webauthn.create', { type: 'webauthn.create' }, 'challenge_mismatch'],
    ['type missing', { clientDataJSON: ({ type: _t, ...cd }) => cd }, 'challenge_mismatch'],
    ['UP clear', { flags: { up: false } }, 'user_presence_required'],
    ['UV clear', { flags: { uv: false } }, 'user_verification_required'],
    ['UP and UV clear', { flags: { up: false, uv: false } }, 'user_presence_required'],
    ['BS set with BE clear', { flags: { bs: true } }, 'flags_invalid'],
    ['BE set on a device-bound credential', { flags: { be: true } }, 'flags_invalid'],
    [
      'BE and BS set on a device-bound credential',
      { flags: { be: true, bs: true } },
      'flags_invalid',
    ],
    ['a flipped signature', { signature: 'flip' }, 'signature_invalid'],
    ['r = s = 0', { signature: 'zero' }, 'signature_invalid'],
    ['DER garbage', { signature: 'der-garbage' }, 'signature_invalid'],
    ['raw r||s instead of DER', { signature: 'raw' }, 'signature_invalid'],
    ['a single zero byte', { signature: new Uint8Array([0]) }, 'signature_invalid'],
    [
      'a changed authenticator data byte after signing',
      {
        afterSign: (r) => {
          const ad = Uint8Array.from(
            atob(r.response.authenticatorData.replace(/-/g, '+').replace(/_/g, '/')),
            (c) => c.charCodeAt(0),
          );
          ad[33] = ad[33]! ^ 0xff; // counter byte: still a valid authData, no longer signed
          return { ...r, response: { ...r.response, authenticatorData: b64url(ad) } };
        },
      },
      'signature_invalid',
    ],
    [
      'clientDataJSON re-serialised after signing',
      {
        afterSign: (r) => {
          const cd = JSON.parse(
            atob(r.response.clientDataJSON.replace(/-/g, '+').replace(/_/g, '/')),
          );
          return {
            ...r,
            response: {
              ...r.response,
              clientDataJSON: b64url(new TextEncoder().encode(JSON.stringify(cd, null, 1))),
            },
          };
        },
      },
      'signature_invalid',
    ],
    ['an unknown credential id', { credentialId: randomB64() }, 'credential_unknown'],
    [
      'id different from rawId',
      { afterSign: (r) => ({ ...r, rawId: randomB64() }) },
      'credential_unknown',
    ],
  ];

  for (const [name, bend, code] of cases) {
    it(`${name} → ${code}`, async () => {
      await failsWith(user.id, user.auth, bend, code);
    });
  }

  it('a signature by another key → signature_invalid', async () => {
    const forger = await SoftAuthenticator.create();
    await failsWith(user.id, user.auth, { signWith: forger }, 'signature_invalid');
  });

  it("another user's enrolled credential → credential_unknown", async () => {
    const other = newUserId('other');
    const { auth: theirs } = await enroll(other);
    // Their own valid assertion, for a ticket of this user.
    const r = await failsWith(
      user.id,
      theirs,
      { skipAuthenticatorChecks: true },
      'credential_unknown',
    );
    expect(r.body.code).toBe('credential_unknown');
    // Even claiming this user's handle does not help.
    await failsWith(
      user.id,
      theirs,
      { skipAuthenticatorChecks: true, userHandle: user.auth.userHandle! },
      'credential_unknown',
    );
    expect((await credentialsOf(other))[0].state).toBe('active');
  });

  it("this credential with another user's userHandle → credential_unknown", async () => {
    const other = newUserId('other');
    const { auth: theirs } = await enroll(other);
    expect(theirs.userHandle).not.toBe(user.auth.userHandle);
    await failsWith(user.id, user.auth, { userHandle: theirs.userHandle! }, 'credential_unknown');
    await failsWith(user.id, user.auth, { userHandle: randomB64() }, 'credential_unknown');
  });

  it('an empty signature is a malformed body (400), not a counted failure', async () => {
    const { ticket } = await requestAction(user.id);
    const r = await verify(ticket, await assertion(ticket, user.auth, { signature: 'empty' }));
    expectProblem(r, 400, 'invalid_request');
    expect(r.body.detail).toContain('response.signature');
  });

  it('an assertion without userHandle approves; so does one from the second allowed origin', async () => {
    const { ticket } = await requestAction(user.id);
    expect(
      (await verify(ticket, await assertion(ticket, user.auth, { userHandle: null }))).status,
    ).toBe(200);
    const next = await requestAction(user.id);
    const d = await details(next.ticket);
    const r = await verify(
      next.ticket,
      await user.auth.assert(d.body.options, { origin: OTHER_ALLOWED_ORIGIN }),
    );
    expect(r.status).toBe(200);
  });

  it('an assertion for ticket A does not approve ticket B (challenge binds the action)', async () => {
    const a = await requestAction(user.id);
    const b = await requestAction(user.id, {
      action: { type: 'wire.transfer', amount: '999999.00', currency: 'EUR', to: 'attacker' },
    });
    const forA = await assertion(a.ticket, user.auth);
    expectProblem(await verify(b.ticket, forA), 422, 'challenge_mismatch');
    expect((await verify(a.ticket, forA)).status).toBe(200);
    expect((await actionState(b.ticket)).state).toBe('pending');
  });
});

describe('ES256 signatures: strict DER only', () => {
  const user = enrolledUser();
  /** Re-encode the signature bytes after signing; the (r, s) pair stays valid. */
  const resign = (f: (der: number[]) => number[]): AssertionBend => ({
    afterSign: (r) => ({
      ...r,
      response: {
        ...r.response,
        signature: b64url(Uint8Array.from(f([...fromB64url(r.response.signature)]))),
      },
    }),
  });
  const cases: [string, AssertionBend][] = [
    ['a trailing zero byte', resign((d) => [...d, 0])],
    ['trailing bytes', resign((d) => [...d, 1, 2, 3, 4])],
    ['another outer tag (SET)', resign((d) => [0x31, ...d.slice(1)])],
    ['a context-specific outer tag', resign((d) => [0xb0, ...d.slice(1)])],
    ['a long-form outer length', resign((d) => [0x30, 0x81, ...d.slice(1)])],
    [
      'an extra leading zero on r',
      resign((d) => {
        const rLen = d[3]!;
        return [0x30, d[1]! + 1, 0x02, rLen + 1, 0x00, ...d.slice(4)];
      }),
    ],
  ];
  for (const [name, bend] of cases) {
    it(`${name} → signature_invalid`, async () => {
      await failsWith(user.id, user.auth, bend, 'signature_invalid');
    });
  }

  it('the check accepts every minimal DER signature and refuses its variants', async () => {
    const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
    ])) as CryptoKeyPair;
    for (let i = 0; i < 200; i++) {
      const raw = new Uint8Array(
        await crypto.subtle.sign(
          { name: 'ECDSA', hash: 'SHA-256' },
          keys.privateKey,
          new Uint8Array([i]),
        ),
      );
      const der = ecdsaRawToDer(raw);
      expect(isStrictDerEcdsaP256(der)).toBe(true);
      expect(isStrictDerEcdsaP256(raw)).toBe(false);
      expect(isStrictDerEcdsaP256(Uint8Array.from([...der, 0]))).toBe(false);
      expect(isStrictDerEcdsaP256(der.slice(0, -1))).toBe(false);
    }
    // Edge values: leading zero needed (high bit), r = 0, a 33-byte s.
    expect(
      isStrictDerEcdsaP256(Uint8Array.from([0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00])),
    ).toBe(true);
    expect(
      isStrictDerEcdsaP256(Uint8Array.from([0x30, 0x07, 0x02, 0x02, 0x00, 0x80, 0x02, 0x01, 0x01])),
    ).toBe(true);
    expect(
      isStrictDerEcdsaP256(Uint8Array.from([0x30, 0x07, 0x02, 0x02, 0x00, 0x7f, 0x02, 0x01, 0x01])),
    ).toBe(false);
    expect(
      isStrictDerEcdsaP256(Uint8Array.from([0x30, 0x06, 0x02, 0x01, 0x80, 0x02, 0x01, 0x01])),
    ).toBe(false);
    expect(
      isStrictDerEcdsaP256(Uint8Array.from([0x30, 0x06, 0x02, 0x01, 0x01, 0x03, 0x01, 0x01])),
    ).toBe(false);
    expect(isStrictDerEcdsaP256(new Uint8Array(0))).toBe(false);
  });
});

describe('422 credential_revoked', () => {
  it('after DELETE, a pending ticket cannot be approved by the revoked credential', async () => {
    const userId = newUserId('rev');
    const { auth } = await enroll(userId);
    const { ticket } = await requestAction(userId);
    const good = await assertion(ticket, auth);
    expect(
      (await call('DELETE', `/v1/users/${userId}/credentials/${auth.credentialId}`)).status,
    ).toBe(204);
    expectProblem(await verify(ticket, good), 422, 'credential_revoked');
    expect((await credentialsOf(userId))[0].state).toBe('revoked');
    // Revoking twice is idempotent from the caller's view.
    expect(
      (await call('DELETE', `/v1/users/${userId}/credentials/${auth.credentialId}`)).status,
    ).toBe(204);
  });

  it('with two credentials, the revoked one is refused and the other still approves', async () => {
    const userId = newUserId('rev2');
    const { auth: first } = await enroll(userId);
    const { auth: second } = await enrollAnother(userId, first);
    expect(
      (await call('DELETE', `/v1/users/${userId}/credentials/${first.credentialId}`)).status,
    ).toBe(204);
    const { ticket } = await requestAction(userId);
    const d = await details(ticket);
    expect(d.body.options.allowCredentials.map((c: { id: string }) => c.id)).toEqual([
      second.credentialId,
    ]);
    const revoked = await first.assert(d.body.options, {
      origin: 'http://localhost:8787',
      bend: { skipAuthenticatorChecks: true },
    });
    expectProblem(await verify(ticket, revoked), 422, 'credential_revoked');
    expect((await verify(ticket, await assertion(ticket, second))).status).toBe(200);
  });
});

describe('422 counter_regression locks the credential', () => {
  it('a counter equal to the stored one', async () => {
    const userId = newUserId('ctr');
    const { auth } = await enroll(userId);
    const first = await requestAction(userId);
    expect((await verify(first.ticket, await assertion(first.ticket, auth))).status).toBe(200);
    const stored = auth.counter;
    const [row] = await vaultRows<{ counter: number }>(userId, 'SELECT counter FROM credentials');
    expect(row?.counter).toBe(stored);

    await nextMillisecond(); // fresh tickets, made after the last use: a regression on them is a clone
    const a = await requestAction(userId);
    const b = await requestAction(userId);
    expectProblem(
      await verify(a.ticket, await assertion(a.ticket, auth, { counter: stored })),
      422,
      'counter_regression',
    );
    expect((await credentialsOf(userId))[0].state).toBe('locked');
    // A later valid assertion, counter well above, is refused: a locked credential approves nothing.
    const later = await assertion(b.ticket, auth, {
      skipAuthenticatorChecks: true,
      counter: stored + 10,
    });
    expectProblem(await verify(b.ticket, later), 422, 'credential_revoked');
    // And no new action can be asked for: nothing active is left.
    expectProblem(
      await call('POST', '/v1/actions', { user: { id: userId }, action: { type: 'x' } }),
      409,
      'not_enrolled',
    );
  });

  it('a counter lower than the stored one, and a counter of 0 after a non-zero one', async () => {
    for (const counter of [3, 0]) {
      const userId = newUserId('ctr');
      const { auth } = await enroll(userId, { initialCounter: 10 });
      await nextMillisecond();
      const { ticket } = await requestAction(userId);
      expectProblem(
        await verify(ticket, await assertion(ticket, auth, { counter })),
        422,
        'counter_regression',
      );
      expect((await credentialsOf(userId))[0].state).toBe('locked');
    }
  });

  it('an authenticator without a counter (always 0) approves again and again', async () => {
    const userId = newUserId('noctr');
    const { auth } = await enroll(userId, { counterStep: 0 });
    for (let i = 0; i < 3; i++) {
      const { ticket } = await requestAction(userId);
      expect((await verify(ticket, await assertion(ticket, auth))).status).toBe(200);
    }
    expect((await credentialsOf(userId))[0].state).toBe('active');
  });

  it('a counter that starts at registration must exceed the registered value', async () => {
    const userId = newUserId('ctr');
    const { auth } = await enroll(userId, { initialCounter: 7 });
    const { ticket } = await requestAction(userId);
    expectProblem(
      await verify(ticket, await assertion(ticket, auth, { counter: 7 })),
      422,
      'counter_regression',
    );
  });
});

describe('synced passkeys (BE set)', () => {
  const user = enrolledUser({ backupEligible: true, backedUp: true });

  it('approves, and the receipt reports backed_up from this assertion', async () => {
    const { ticket } = await requestAction(user.id);
    const r = await verify(ticket, await assertion(ticket, user.auth, { flags: { bs: false } }));
    expect(r.status).toBe(200);
    const claims = JSON.parse(
      atob(r.body.receipt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')),
    );
    expect(claims.cred).toMatchObject({ device_bound: false, backed_up: false });
    expect((await credentialsOf(user.id))[0]).toMatchObject({ deviceBound: false });
  });

  it('BE clear on a synced credential → flags_invalid', async () => {
    await failsWith(user.id, user.auth, { flags: { be: false, bs: false } }, 'flags_invalid');
    await failsWith(user.id, user.auth, { flags: { be: false, bs: true } }, 'flags_invalid');
  });
});

describe('other algorithms', () => {
  for (const alg of [-8, -257] as const) {
    it(`alg ${alg}: approves, and refuses a flipped or foreign signature`, async () => {
      const userId = newUserId(`alg${-alg}`);
      const { auth, reply } = await enroll(userId, { alg });
      expect(reply.status).toBe(201);
      const { ticket } = await requestAction(userId);
      expect((await verify(ticket, await assertion(ticket, auth))).status).toBe(200);
      await failsWith(userId, auth, { signature: 'flip' }, 'signature_invalid');
      await failsWith(userId, auth, { signature: 'zero' }, 'signature_invalid');
      await failsWith(
        userId,
        auth,
        { signWith: await SoftAuthenticator.create({ alg }) },
        'signature_invalid',
      );
    });
  }
});
