/** Enrollment: the options, and every check on a registration response, each with its own code. */
import { describe, expect, it } from 'vitest';
import { isoCBOR } from '@simplewebauthn/server/helpers';
import { SoftAuthenticator, b64url } from '../support/soft-authenticator';
import type {
  RegistrationBend,
  SoftAuthenticatorOptions,
} from '../support/soft-authenticator/types';
import {
  ORIGIN,
  assertion,
  call,
  credentialsOf,
  enroll,
  enrollmentOptions,
  enrollmentTicket,
  expectProblem,
  newUserId,
  postEnrollment,
  requestAction,
  ticketRow,
  verify,
} from './harness';

const randomB64 = (n = 32) => b64url(crypto.getRandomValues(new Uint8Array(n)));

/** Re-encode the attestation object with its attStmt edited (the signature over authData stays valid). */
function editAttStmt(edit: (st: Map<string, unknown>) => void) {
  return (bytes: Uint8Array<ArrayBuffer>): Uint8Array => {
    const obj = isoCBOR.decodeFirst<Map<string, any>>(bytes);
    const st = new Map<string, any>(obj.get('attStmt'));
    edit(st);
    return isoCBOR.encode(
      new Map<string, any>([
        ['fmt', obj.get('fmt')],
        ['attStmt', st],
        ['authData', obj.get('authData')],
      ]),
    );
  };
}
const withSig = (f: (sig: Uint8Array) => number[]) =>
  editAttStmt((st) => st.set('sig', Uint8Array.from(f(st.get('sig') as Uint8Array))));

async function enrollFails(
  bend: RegistrationBend,
  code: string,
  options: SoftAuthenticatorOptions = {},
) {
  const userId = newUserId('en');
  const { reply, ticket } = await enroll(userId, options, bend);
  expectProblem(reply, 422, code);
  // Counted, and the ticket is still usable.
  expect((await ticketRow(userId, ticket)).failures).toBe(1);
  expect((await call('GET', `/v1/enrollments/${ticket}`, undefined, { auth: false })).status).toBe(
    200,
  );
  expect(await credentialsOf(userId)).toEqual([]);
  return reply;
}

describe('GET /v1/enrollments/:ticket', () => {
  it('offers a user-verified discoverable passkey for this RP, excluding existing credentials', async () => {
    const userId = newUserId('opt');
    const r0 = await call('GET', `/v1/enrollments/${await enrollmentTicket(userId)}`, undefined, {
      auth: false,
    });
    expect(r0.status).toBe(200);
    expect(r0.body.user).toEqual({ name: `${userId}@example.com`, displayName: 'Test' });
    const o = r0.body.options;
    expect(o.rp.id).toBe('localhost');
    expect(o.authenticatorSelection).toMatchObject({
      userVerification: 'required',
      residentKey: 'required',
    });
    const algs = o.pubKeyCredParams.map((p: { alg: number }) => p.alg);
    expect(algs).toEqual(expect.arrayContaining([-7, -8, -257]));
    expect(o.excludeCredentials).toEqual([]);
    // The WebAuthn user.id is not the RP's user id.
    expect(o.user.id).not.toContain(userId);
    expect(atob(o.user.id.replace(/-/g, '+').replace(/_/g, '/'))).not.toContain(userId);

    const { auth } = await enroll(userId);
    const again = await enrollmentOptions(await enrollmentTicket(userId));
    expect(again.excludeCredentials.map((c: { id: string }) => c.id)).toEqual([auth.credentialId]);
    expect(again.user.id).toBe(o.user.id);
    expect(again.challenge).not.toBe(o.challenge);
  });

  it('answers 201 with the credential facts, device-bound and synced', async () => {
    const bound = await enroll(newUserId('en'));
    expect(bound.reply.status).toBe(201);
    expect(bound.reply.body).toEqual({
      credentialId: bound.auth.credentialId,
      aaguid: '00000000-0000-0000-0000-000000000000',
      deviceBound: true,
      backedUp: false,
    });

    const aaguid = 'adce0002-35bc-c60a-648b-0b25f1f05503';
    const syncedUser = newUserId('en');
    const synced = await enroll(syncedUser, { backupEligible: true, backedUp: true, aaguid });
    expect(synced.reply.status).toBe(201);
    expect(synced.reply.body).toEqual({
      credentialId: synced.auth.credentialId,
      aaguid,
      deviceBound: false,
      backedUp: true,
    });
    const [listed] = await credentialsOf(syncedUser);
    expect(listed).toMatchObject({
      id: synced.auth.credentialId,
      aaguid,
      deviceBound: false,
      backedUp: true,
      state: 'active',
      lastUsedAt: null,
    });
    expect(Date.parse(listed.createdAt)).toBeGreaterThan(0);

    const packed = await enroll(newUserId('en'), {}, { fmt: 'packed' });
    expect(packed.reply.status).toBe(201);
    const second = await enroll(newUserId('en'), {}, {});
    expect(second.reply.status).toBe(201);
  });
});

describe('422 on enrollment', () => {
  const cases: [string, RegistrationBend, string][] = [
    ['a foreign origin', { origin: 'https://evil.example' }, 'origin_mismatch'],
    ['crossOrigin true', { crossOrigin: true }, 'origin_mismatch'],
    ['a topOrigin', { topOrigin: 'https://evil.example' }, 'origin_mismatch'],
    ['another RP ID', { rpId: 'evil.example' }, 'rp_id_mismatch'],
    ['another challenge', { challenge: randomB64() }, 'challenge_mismatch'],
    ['type webauthn.get', { type: 'webauthn.get' }, 'challenge_mismatch'],
    ['UP clear', { flags: { up: false } }, 'user_presence_required'],
    ['UV clear', { flags: { uv: false } }, 'user_verification_required'],
    ['BS set with BE clear', { flags: { bs: true, be: false } }, 'flags_invalid'],
    [
      'bytes after the attestation object',
      { trailingBytes: new Uint8Array([0]) },
      'attestation_rejected',
    ],
    ['a COSE key with a text kty', { badCoseKey: 'text-kty' }, 'attestation_rejected'],
    ['a COSE key with a text alg', { badCoseKey: 'text-alg' }, 'attestation_rejected'],
    ['a COSE key without x', { badCoseKey: 'missing-x' }, 'attestation_rejected'],
    ['an EC key claiming RS256', { alg: -257 }, 'attestation_rejected'],
    ['an EC key claiming EdDSA', { alg: -8 }, 'attestation_rejected'],
    ['an algorithm that was not offered (ES384)', { alg: -35 }, 'attestation_rejected'],
    [
      'a key not on the curve',
      { coseKey: (k) => new Map(k).set(-3, new Uint8Array(32).fill(7)) },
      'attestation_rejected',
    ],
    [
      'packed with a bad attestation signature',
      { fmt: 'packed', attestationSignature: 'flip' },
      'attestation_rejected',
    ],
    [
      'packed with a garbage attestation signature',
      { fmt: 'packed', attestationSignature: 'der-garbage' },
      'attestation_rejected',
    ],
    [
      'packed self attestation naming another alg (RS256)',
      { fmt: 'packed', attestationObject: editAttStmt((st) => st.set('alg', -257)) },
      'attestation_rejected',
    ],
    [
      'packed self attestation naming EdDSA for an EC key',
      { fmt: 'packed', attestationObject: editAttStmt((st) => st.set('alg', -8)) },
      'attestation_rejected',
    ],
    [
      'packed with x5c null naming RS256 (the library reads a falsy x5c as self attestation)',
      {
        fmt: 'packed',
        attestationObject: editAttStmt((st) => st.set('x5c', null).set('alg', -257)),
      },
      'attestation_rejected',
    ],
    [
      'packed signature with bytes after the DER',
      { fmt: 'packed', attestationObject: withSig((sig) => [...sig, 0]) },
      'attestation_rejected',
    ],
    [
      'packed signature with another outer tag',
      { fmt: 'packed', attestationObject: withSig((sig) => [0xb0, ...sig.slice(1)]) },
      'attestation_rejected',
    ],
    [
      'packed without a signature',
      { fmt: 'packed', attestationObject: editAttStmt((st) => st.delete('sig')) },
      'attestation_rejected',
    ],
    [
      'an attestation object that is not CBOR',
      { attestationObject: () => new Uint8Array([0xff, 0x00, 0x13]) },
      'attestation_rejected',
    ],
    [
      'an attestation object that is a CBOR array',
      { attestationObject: () => new Uint8Array([0x82, 0x01, 0x02]) },
      'attestation_rejected',
    ],
    [
      'response.id not the attested id',
      { afterSign: (r) => ({ ...r, id: randomB64(), rawId: randomB64() }) },
      'attestation_rejected',
    ],
    [
      'rawId not the attested id',
      { afterSign: (r) => ({ ...r, rawId: randomB64() }) },
      'attestation_rejected',
    ],
    [
      'no attested credential data',
      { authenticatorData: (ad) => ad.slice(0, 37).map((b, i) => (i === 32 ? b & ~0x40 : b)) },
      'attestation_rejected',
    ],
  ];
  for (const [name, bend, code] of cases) {
    it(`${name} → ${code}`, async () => {
      await enrollFails(bend, code);
    });
  }

  it('packed self attestation with an EdDSA key naming ES256 → attestation_rejected', async () => {
    await enrollFails(
      { fmt: 'packed', attestationObject: editAttStmt((st) => st.set('alg', -7)) },
      'attestation_rejected',
      { alg: -8 },
    );
    expect((await enroll(newUserId('ed'), { alg: -8 }, { fmt: 'packed' })).reply.status).toBe(201);
  });

  it('a credential id over 1023 bytes → attestation_rejected (WebAuthn §7.1); 1023 bytes enrolls and approves', async () => {
    const userId = newUserId('long-id');
    const ticket = await enrollmentTicket(userId);
    const long = await SoftAuthenticator.create({ credentialIdLength: 1024 });
    const reply = await postEnrollment(
      ticket,
      await long.register(await enrollmentOptions(ticket), { origin: ORIGIN }),
    );
    expectProblem(reply, 422, 'attestation_rejected');
    expect(reply.body.detail).toContain('1023');
    const { auth, reply: ok } = await enroll(userId, { credentialIdLength: 1023 });
    expect(ok.status).toBe(201);
    const { ticket: action } = await requestAction(userId);
    expect((await verify(action, await assertion(action, auth))).status).toBe(200);
  });

  it('a credential id already enrolled for another user → attestation_rejected, counted; the first user keeps it (WebAuthn §7.1)', async () => {
    const alice = newUserId('owner');
    const { auth } = await enroll(alice);
    const mallory = newUserId('taker');
    const ticket = await enrollmentTicket(mallory);
    const reply = await postEnrollment(
      ticket,
      await auth.register(await enrollmentOptions(ticket), { origin: ORIGIN }),
    );
    expectProblem(reply, 422, 'attestation_rejected');
    expect(reply.body.detail).toContain('another user');
    expect((await ticketRow(mallory, ticket)).failures).toBe(1);
    expect(await credentialsOf(mallory)).toEqual([]);
    // Only a registration that passed every check claims an id: a refused one leaves it free.
    const fresh = await SoftAuthenticator.create();
    const t2 = await enrollmentTicket(mallory);
    expectProblem(
      await postEnrollment(
        t2,
        await fresh.register(await enrollmentOptions(t2), { origin: 'https://evil.example' }),
      ),
      422,
      'origin_mismatch',
    );
    const bob = newUserId('bob');
    const t3 = await enrollmentTicket(bob);
    expect(
      (
        await postEnrollment(
          t3,
          await fresh.register(await enrollmentOptions(t3), { origin: ORIGIN }),
        )
      ).status,
    ).toBe(201);
    const [kept] = await credentialsOf(alice);
    expect(kept).toMatchObject({ id: auth.credentialId, state: 'active' });
  });

  it('re-enrolling an already-enrolled credential id → attestation_rejected', async () => {
    const userId = newUserId('dup');
    const { auth, reply } = await enroll(userId);
    expect(reply.status).toBe(201);
    const ticket = await enrollmentTicket(userId);
    const reg = await auth.register(await enrollmentOptions(ticket), {
      origin: ORIGIN,
      bend: { skipAuthenticatorChecks: true },
    });
    expectProblem(await postEnrollment(ticket, reg), 422, 'attestation_rejected');
    // Same id, a new key: still refused, and the stored key is untouched.
    const impostor = await SoftAuthenticator.create();
    const reg2 = await impostor.register(await enrollmentOptions(ticket), {
      origin: ORIGIN,
      bend: {
        skipAuthenticatorChecks: true,
        authenticatorData: (ad) => {
          const out = Uint8Array.from(ad);
          out.set(auth.credentialIdBytes, 55);
          return out;
        },
        afterSign: (r) => ({ ...r, id: auth.credentialId, rawId: auth.credentialId }),
      },
    });
    expectProblem(await postEnrollment(ticket, reg2), 422, 'attestation_rejected');
    expect(await credentialsOf(userId)).toHaveLength(1);
  });

  it('a response for another enrollment ticket → challenge_mismatch', async () => {
    const userId = newUserId('swap');
    const auth = await SoftAuthenticator.create();
    const a = await enrollmentTicket(userId);
    const b = await enrollmentTicket(userId);
    const forA = await auth.register(await enrollmentOptions(a), { origin: ORIGIN });
    expectProblem(await postEnrollment(b, forA), 422, 'challenge_mismatch');
    expect((await postEnrollment(a, forA)).status).toBe(201);
  });

  it('clientDataJSON that is not JSON is a 400 that does not count', async () => {
    const userId = newUserId('cd');
    const { reply, ticket } = await enroll(userId, {}, { clientDataJSON: () => 'nope' });
    expectProblem(reply, 400, 'invalid_request');
    expect(reply.body.detail).toContain('response.clientDataJSON');
    expect((await ticketRow(userId, ticket)).failures).toBe(0);
  });
});
