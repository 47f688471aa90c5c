/**
 * SPEC.md v2 "Offline approvals": POST /v1/offline-proofs, attack first. A
 * proof is replayed (one after another, and all at once: one receipt), posted
 * on a grant that is unknown, used, expired or another user's, for a type the
 * grant or the rule does not allow, with its statement bent (iss, aud, sub,
 * act, dsp, mode), by a revoked, stranger's or held credential, and as a
 * malformed body; each gets its code, and none uses up the grant. A genuine
 * proof gets a receipt marked offline that verifyReceipt accepts only with
 * allowOffline, whose claims rebuild the signed offline statement.
 */
import { createExecutionContext, env, runInDurableObject } from 'cloudflare:test';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import app from '../../worker/index';
import { userVault } from '../../worker/http/ticket';
import type { OfflineBundleClaims, OfflineProof } from '../../packages/psea/src/offline/types';
import {
  hashAction,
  hashDisplay,
  statementChallenge,
  statementFromClaims,
  verifyReceipt,
} from '../../packages/psea/src/receipt/index';
import { randomId } from '../../worker/lib/random-id';
import type { UserVault } from '../../worker/vault/user-vault';
import type { LogEntry } from '../../packages/psea/src/log/log-entry';
import { offlineChallenge } from '../../packages/psea/src/offline/offline-statement';
import { makeProof, type ProofInput } from '../support/offline-proofs';
import { SoftAuthenticator } from '../support/soft-authenticator';
import { b64url } from '../support/soft-authenticator';
import {
  BASE,
  call,
  enroll,
  enrollAnother,
  expectProblem,
  newUserId,
  ORIGIN,
  OTHER_ALLOWED_ORIGIN,
  vaultRows,
  type Reply,
} from './harness';

const DOOR = { type: 'door.open', door: '7' };
const DISPLAY = { title: 'Open door 7', fields: [{ label: 'Door', value: '7' }] };

/** Offline on for doors, small wires, a hosted-only vault and a device-bound safe; off for everything else. */
const POLICY = JSON.stringify({
  rules: [
    { id: 'door', match: { type: 'door.*' }, offline: true },
    { id: 'small-wire', match: { type: 'wire.transfer', lte: { amount: 100 } }, offline: true },
    { id: 'vault', match: { type: 'vault.open' }, offline: true, origins: [OTHER_ALLOWED_ORIGIN] },
    { id: 'safe', match: { type: 'safe.open' }, offline: true, require: { deviceBound: true } },
    { id: 'note', match: { type: 'note.sign' }, offline: true, refuseFormatChars: true },
    { id: 'default' },
  ],
});

async function replyOf(res: Response): Promise<Reply> {
  const text = await res.text();
  let body: any = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body, headers: res.headers };
}

/** POST /v1/offline-proofs as a browser would (no API key), under POLICY unless told otherwise. */
async function submit(
  proof: unknown,
  opts: { policy?: string; raw?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const req = new Request(`${BASE}/v1/offline-proofs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...opts.headers },
    body: opts.raw ?? JSON.stringify(proof),
  });
  return replyOf(
    await app.fetch(req, { ...env, POLICY: opts.policy ?? POLICY }, createExecutionContext()),
  );
}

interface Granted {
  userId: string;
  auth: SoftAuthenticator;
  bundle: string;
  claims: OfflineBundleClaims;
}

async function granted(
  extra: Record<string, unknown> = {},
  userId = newUserId('op'),
  auth?: SoftAuthenticator,
): Promise<Granted> {
  const enrolled = auth ?? (await enroll(userId)).auth;
  const r = await call('POST', `/v1/users/${encodeURIComponent(userId)}/offline-grants`, {
    count: 3,
    ttl: 3600,
    audience: 'door-7',
    types: ['door.*', 'wire.*', 'vault.open', 'safe.open', 'note.sign'],
    ...extra,
  });
  if (r.status !== 201) throw new Error(`grants: ${r.status} ${JSON.stringify(r.body)}`);
  return {
    userId,
    auth: enrolled,
    bundle: r.body.bundle,
    claims: decodeJwt(r.body.bundle) as unknown as OfflineBundleClaims,
  };
}

function prove(g: Granted, extra: Partial<ProofInput> = {}): Promise<OfflineProof> {
  return makeProof({
    auth: g.auth,
    bundle: g.claims,
    action: DOOR,
    origin: ORIGIN,
    signedAt: Math.floor(Date.now() / 1000) - 600,
    ...extra,
  });
}

async function jwks() {
  return (await call('GET', '/.well-known/jwks.json', undefined, { auth: false })).body;
}

const grantState = async (userId: string, nonce: string) =>
  (
    await vaultRows<{ state: string }>(
      userId,
      'SELECT state FROM offline_grants WHERE nonce = ?',
      nonce,
    )
  )[0]?.state;

describe('a genuine proof', () => {
  it('200: a receipt marked offline, with signed_at; verifyReceipt accepts it only with allowOffline', async () => {
    const g = await granted();
    const proof = await prove(g, { display: DISPLAY });
    const r = await submit(proof);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const base = {
      jwks: await jwks(),
      issuer: BASE,
      audience: 'door-7',
      subject: g.userId,
      action: DOOR,
    };
    await expect(verifyReceipt(r.body.receipt, base)).rejects.toMatchObject({
      code: 'offline_not_allowed',
    });
    const { claims, statement } = await verifyReceipt(r.body.receipt, {
      ...base,
      display: DISPLAY,
      allowOffline: true,
    });
    expect(claims).toMatchObject({
      iss: BASE,
      sub: g.userId,
      aud: 'door-7',
      act: await hashAction(DOOR),
      act_type: 'door.open',
      dsp: await hashDisplay(DISPLAY),
      nonce: g.claims.grants[0],
      uv: true,
      pol: 'door',
      offline: true,
      signed_at: proof.statement.signed_at,
      cred: { id: g.auth.credentialId, device_bound: true },
    });
    // The claims rebuild the offline statement, and so the challenge the passkey signed.
    expect(statement).toEqual(proof.statement);
    const clientData = JSON.parse(
      new TextDecoder().decode(
        Uint8Array.from(
          atob(proof.assertion.response.clientDataJSON.replace(/-/g, '+').replace(/_/g, '/')),
          (c) => c.charCodeAt(0),
        ),
      ),
    );
    expect(await statementChallenge(statementFromClaims(claims))).toBe(clientData.challenge);
    expect(await grantState(g.userId, g.claims.grants[0]!)).toBe('used');
  });

  it('without a display: no dsp, and the statement still rebuilds', async () => {
    const g = await granted();
    const proof = await prove(g);
    const r = await submit(proof);
    expect(r.status).toBe(200);
    const { claims, statement } = await verifyReceipt(r.body.receipt, {
      jwks: await jwks(),
      issuer: BASE,
      audience: 'door-7',
      subject: g.userId,
      action: DOOR,
      allowOffline: true,
    });
    expect(claims.dsp).toBeUndefined();
    expect(statement).toEqual(proof.statement);
  });

  it('each grant once: three grants, three proofs, three receipts', async () => {
    const g = await granted();
    for (const nonce of g.claims.grants)
      expect((await submit(await prove(g, { nonce }))).status).toBe(200);
  });

  it('browser CORS, as verify: an allowed origin reads the answer, text/plain needs no preflight, a preflight is answered', async () => {
    const g = await granted();
    const proof = await prove(g);
    const r = await submit(undefined, {
      raw: JSON.stringify(proof),
      headers: { origin: OTHER_ALLOWED_ORIGIN, 'content-type': 'text/plain;charset=UTF-8' },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('access-control-allow-origin')).toBe(OTHER_ALLOWED_ORIGIN);
    const other = await submit(await prove(g, { nonce: g.claims.grants[1] }), {
      headers: { origin: 'https://evil.example' },
    });
    expect(other.status).toBe(200); // the grant authorises, not the origin; no CORS for it though
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await call('OPTIONS', '/v1/offline-proofs', undefined, {
      auth: false,
      headers: { origin: OTHER_ALLOWED_ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(OTHER_ALLOWED_ORIGIN);
  });
});

describe('logged like an online approval', () => {
  const logOf = async (userId: string): Promise<LogEntry[]> =>
    (await vaultRows<{ entry: string }>(userId, 'SELECT entry FROM log_entries ORDER BY idx')).map(
      (r) => JSON.parse(r.entry) as LogEntry,
    );

  it("an approved entry with offline: true, the offline statement's challenge and the receipt's jti, once; refusals log nothing", async () => {
    const g = await granted();
    const proof = await prove(g);
    expectProblem(
      await submit(await prove(g, { bend: { signature: 'flip' } })),
      422,
      'signature_invalid',
    );
    const r = await submit(proof);
    expect(r.status).toBe(200);
    expectProblem(await submit(proof), 409, 'ticket_used');
    const claims = decodeJwt(r.body.receipt);
    const approved = (await logOf(g.userId)).filter((e) => e.kind !== 'enrolled');
    expect(approved).toEqual([
      {
        v: 1,
        kind: 'approved',
        at: expect.any(Number),
        sub: g.userId,
        cred: g.auth.credentialId,
        challenge: await offlineChallenge(proof.statement),
        act: claims.act,
        aud: 'door-7',
        jti: claims.jti,
        offline: true,
      },
    ]);
  });
});

describe('replay: one grant, one receipt', () => {
  it('the same proof again: 409 ticket_used carrying the same receipt, however it is serialised', async () => {
    const g = await granted();
    const proof = await prove(g);
    const first = await submit(proof);
    expect(first.status).toBe(200);
    const again = await submit(proof);
    expectProblem(again, 409, 'ticket_used');
    expect(again.body.receipt).toBe(first.body.receipt);
    // Another serialisation of the same JSON value (an IndexedDB round trip, other whitespace).
    const reordered = {
      assertion: proof.assertion,
      statement: proof.statement,
      action: proof.action,
    };
    const spaced = await submit(undefined, { raw: JSON.stringify(reordered, null, 2) });
    expectProblem(spaced, 409, 'ticket_used');
    expect(spaced.body.receipt).toBe(first.body.receipt);
  });

  it('another proof on a used grant (signed again): 409 ticket_used without the receipt', async () => {
    const g = await granted();
    expect((await submit(await prove(g))).status).toBe(200);
    const second = await submit(await prove(g, { signedAt: Math.floor(Date.now() / 1000) }));
    expectProblem(second, 409, 'ticket_used');
    expect(second.body.receipt).toBeUndefined();
  });

  it('concurrent submissions of one proof: exactly one receipt, every other 409 ticket_used', async () => {
    const g = await granted();
    const proof = await prove(g);
    const replies = await Promise.all(Array.from({ length: 8 }, () => submit(proof)));
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of replies.filter((x) => x.status !== 200)) expectProblem(r, 409, 'ticket_used');
  });

  it('concurrent different proofs on one grant (two actions): exactly one receipt', async () => {
    const g = await granted();
    const proofs = await Promise.all([
      prove(g),
      prove(g, { action: { type: 'door.open', door: '8' } }),
      prove(g, { display: DISPLAY }),
    ]);
    const replies = await Promise.all(proofs.map((p) => submit(p)));
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of replies.filter((x) => x.status !== 200)) expectProblem(r, 409, 'ticket_used');
  });

  it('the field verifier and the service each keep their own single use: a proof taken at a door still syncs once', async () => {
    const g = await granted();
    const proof = await prove(g);
    expect((await submit(proof)).status).toBe(200);
    expectProblem(await submit(proof), 409, 'ticket_used');
  });
});

describe('whose grant, and is it usable', () => {
  it('an unknown nonce: 404 ticket_not_found, whether it names no vault, a made-up one, or the right vault', async () => {
    const g = await granted();
    const own = g.claims.grants[0]!;
    const madeUpId = b64url(crypto.getRandomValues(new Uint8Array(48)));
    // This user's vault id with other random bytes: the vault itself says it has no such grant.
    const rightVault = own.slice(0, 43) + randomId(16).slice(0, 21);
    // What keeps a made-up nonce from creating a vault: the namespace refuses an id it never made.
    expect(() => env.VAULT.idFromString('ab'.repeat(32))).toThrow();
    for (const nonce of [randomId(16), randomId(48), madeUpId, rightVault]) {
      expectProblem(await submit(await prove(g, { nonce })), 404, 'ticket_not_found');
    }
    expect((await submit(await prove(g))).status).toBe(200);
  });

  it("grant nonces route to their user's vault: 32 bytes of its id, 16 random bytes", async () => {
    const g = await granted();
    const id = env.VAULT.idFromName(g.userId).toString();
    for (const nonce of g.claims.grants) {
      const bytes = Uint8Array.from(atob(nonce.replace(/-/g, '+').replace(/_/g, '/')), (ch) =>
        ch.charCodeAt(0),
      );
      expect(bytes).toHaveLength(48);
      expect(
        Array.from(bytes.subarray(0, 32), (b) => b.toString(16).padStart(2, '0')).join(''),
      ).toBe(id);
    }
    expect(new Set(g.claims.grants.map((n) => n.slice(43))).size).toBe(g.claims.grants.length);
  });

  it("another user's grant, signed by this user's passkey: 404 (this user has no such grant)", async () => {
    const mine = await granted();
    const theirs = await granted();
    const proof = await prove(mine, { nonce: theirs.claims.grants[0] });
    expectProblem(await submit(proof), 404, 'ticket_not_found');
    expect(await grantState(theirs.userId, theirs.claims.grants[0]!)).toBe('pending');
  });

  it("a host page posting a user's proof as another user's (sub rewritten): refused, and neither grant is used", async () => {
    const victim = await granted();
    const host = await granted();
    const proof = await prove(victim);
    const rewritten = { ...proof, statement: { ...proof.statement, sub: host.userId } };
    expectProblem(await submit(rewritten), 404, 'ticket_not_found');
    // The host's own nonce in the victim's proof: the signature is over the victim's statement.
    const spliced = {
      ...proof,
      statement: { ...proof.statement, sub: host.userId, nonce: host.claims.grants[0] },
    };
    expectProblem(await submit(spliced), 422, 'challenge_mismatch');
    // Signed for the host's grant with the victim's passkey: not a credential of the host's.
    const stolen = await prove({ ...host, auth: victim.auth });
    expectProblem(await submit(stolen), 422, 'credential_unknown');
    expect(await grantState(host.userId, host.claims.grants[0]!)).toBe('pending');
    expect((await submit(proof)).status).toBe(200);
  });

  it('an expired grant: 410 ticket_expired, and it stays unused', async () => {
    const g = await granted({ ttl: 60 });
    const proof = await prove(g);
    const [row] = await vaultRows<{ expires_at: number }>(
      g.userId,
      'SELECT expires_at FROM offline_grants WHERE nonce = ?',
      g.claims.grants[0],
    );
    const submission = {
      statement: proof.statement,
      assertion: proof.assertion,
      actionHash: await hashAction(DOOR),
      actionType: DOOR.type,
      rule: { id: 'door', require: {}, offline: true },
      now: row!.expires_at,
      accepted: 'x',
    };
    const stub = userVault(env, g.userId);
    const late = await runInDurableObject(stub, (vault: UserVault) =>
      vault.approveOffline(submission),
    );
    expect(late).toMatchObject({ ok: false, problem: { code: 'ticket_expired' } });
    expect(await grantState(g.userId, g.claims.grants[0]!)).toBe('pending');
    expect((await submit(proof)).status).toBe(200);
  });
});

describe('what the grant and the policy allow', () => {
  it('a type the grant does not name: 422 policy_unmet, and the grant stays usable', async () => {
    const g = await granted({ types: ['door.open'] });
    expectProblem(
      await submit(await prove(g, { action: { type: 'door.unlock', door: '7' } })),
      422,
      'policy_unmet',
    );
    expectProblem(
      await submit(await prove(g, { action: { type: 'door', door: '7' } })),
      422,
      'policy_unmet',
    );
    expect((await submit(await prove(g))).status).toBe(200);
  });

  it('a rule without offline: 422 policy_unmet (default policy, and a large wire under POLICY)', async () => {
    const g = await granted();
    expectProblem(await submit(await prove(g), { policy: '' }), 422, 'policy_unmet');
    const wire = { type: 'wire.transfer', amount: '5000.00', currency: 'EUR', to: 'DE89' };
    expectProblem(await submit(await prove(g, { action: wire })), 422, 'policy_unmet');
    expect((await submit(await prove(g, { action: { ...wire, amount: '50.00' } }))).status).toBe(
      200,
    );
  });

  it('the reserved psea.* types: 400 (the action is refused as on POST /v1/actions)', async () => {
    const g = await granted();
    expectProblem(
      await submit(await prove(g, { action: { type: 'psea.credential.add', user: g.userId } })),
      400,
      'invalid_request',
    );
  });

  it("the rule's origins and requirement apply: 422 origin_mismatch, 422 policy_unmet for a synced passkey", async () => {
    const g = await granted();
    expectProblem(
      await submit(await prove(g, { action: { type: 'vault.open' } })),
      422,
      'origin_mismatch',
    );
    expect(
      (
        await submit(
          await prove(g, { action: { type: 'vault.open' }, origin: OTHER_ALLOWED_ORIGIN }),
        )
      ).status,
    ).toBe(200);
    const syncedUser = newUserId('op');
    const { auth: synced } = await enroll(syncedUser, { backupEligible: true, backedUp: true });
    const s = await granted({}, syncedUser, synced);
    expectProblem(
      await submit(await prove(s, { action: { type: 'safe.open' } })),
      422,
      'policy_unmet',
    );
  });

  it('a rule with refuseFormatChars: 400 for a hiding character in the action', async () => {
    const g = await granted();
    expectProblem(
      await submit(await prove(g, { action: { type: 'note.sign', text: 'pay\u202Eevil' } })),
      400,
      'invalid_request',
    );
  });
});

describe("the statement is the grant's offline statement for this action", () => {
  const bent: [string, (g: Granted) => Partial<ProofInput>][] = [
    ['iss of another service', () => ({ statement: { iss: 'https://evil.example' } })],
    ['aud of another party', () => ({ statement: { aud: 'door-8' } })],
    ['mode online', () => ({ statement: { mode: 'online' } })],
    ['act of another action', () => ({ statement: { act: 'A'.repeat(43) } })],
    ['dsp of another display', () => ({ display: DISPLAY, statement: { dsp: 'B'.repeat(43) } })],
    ['a dsp but no display', () => ({ statement: { dsp: 'B'.repeat(43) } })],
    ['a display but no dsp', () => ({ display: DISPLAY, statement: { dsp: undefined } })],
  ];
  for (const [what, bend] of bent) {
    it(`${what} (signed as bent): 422 challenge_mismatch, grant unused`, async () => {
      const g = await granted();
      expectProblem(await submit(await prove(g, bend(g))), 422, 'challenge_mismatch');
      expect(await grantState(g.userId, g.claims.grants[0]!)).toBe('pending');
    });
  }

  it('tampered after signing (action, display, statement): 422 challenge_mismatch, and then the genuine proof passes', async () => {
    const g = await granted();
    const proof = await prove(g, { display: DISPLAY });
    const otherDoor = { type: 'door.open', door: '9' };
    expectProblem(await submit({ ...proof, action: otherDoor }), 422, 'challenge_mismatch');
    expectProblem(
      await submit({ ...proof, display: { ...DISPLAY, title: 'Open door 9' } }),
      422,
      'challenge_mismatch',
    );
    // The statement made to match the new action: no longer what the passkey signed.
    const restated = {
      ...proof,
      action: otherDoor,
      statement: { ...proof.statement, act: await hashAction(otherDoor) },
    };
    expectProblem(await submit(restated), 422, 'challenge_mismatch');
    expectProblem(
      await submit({
        ...proof,
        statement: { ...proof.statement, signed_at: proof.statement.signed_at + 1 },
      }),
      422,
      'challenge_mismatch',
    );
    expect((await submit(proof)).status).toBe(200);
  });

  it('an online statement (no mode, no signed_at) is no offline proof: 400', async () => {
    const g = await granted();
    const proof = await prove(g, { statement: { mode: undefined, signed_at: undefined } });
    expectProblem(await submit(proof), 400, 'invalid_request');
  });
});

describe('who signed', () => {
  it('a revoked credential: 422 credential_revoked, grant unused', async () => {
    const g = await granted();
    const proof = await prove(g);
    expect(
      (await call('DELETE', `/v1/users/${g.userId}/credentials/${g.auth.credentialId}`)).status,
    ).toBe(204);
    expectProblem(await submit(proof), 422, 'credential_revoked');
    expect(await grantState(g.userId, g.claims.grants[0]!)).toBe('pending');
  });

  it('a passkey never enrolled, or held for approval: 422 credential_unknown', async () => {
    const g = await granted();
    const stranger = await SoftAuthenticator.create();
    expectProblem(await submit(await prove({ ...g, auth: stranger })), 422, 'credential_unknown');
    // A forgery: the user's credential id, another key's signature.
    expectProblem(
      await submit(await prove(g, { bend: { signWith: stranger } })),
      422,
      'signature_invalid',
    );
    const held = await SoftAuthenticator.create();
    const ticket = (await call('POST', '/v1/enrollments', { user: { id: g.userId, name: 'held' } }))
      .body.ticket;
    const opts = (await call('GET', `/v1/enrollments/${ticket}`, undefined, { auth: false })).body
      .options;
    expect(
      (
        await call(
          'POST',
          `/v1/enrollments/${ticket}`,
          await held.register(opts, { origin: ORIGIN }),
          { auth: false },
        )
      ).status,
    ).toBe(202);
    expectProblem(await submit(await prove({ ...g, auth: held })), 422, 'credential_unknown');
  });

  it("a credential added after the bundle was made: the service's records decide, so it is accepted", async () => {
    const g = await granted();
    const { auth: later } = await enrollAnother(g.userId, g.auth);
    expect(g.claims.creds.map((c) => c.id)).not.toContain(later.credentialId);
    expect((await submit(await prove({ ...g, auth: later }))).status).toBe(200);
  });

  it('every WebAuthn check, each with its code, none using the grant', async () => {
    const g = await granted();
    expectProblem(
      await submit(await prove(g, { origin: 'https://evil.example' })),
      422,
      'origin_mismatch',
    );
    expectProblem(
      await submit(await prove(g, { bend: { crossOrigin: true } })),
      422,
      'origin_mismatch',
    );
    expectProblem(
      await submit(await prove(g, { bend: { rpId: 'evil.example' } })),
      422,
      'rp_id_mismatch',
    );
    expectProblem(
      await submit(await prove(g, { bend: { type: 'webauthn.create' } })),
      422,
      'challenge_mismatch',
    );
    expectProblem(
      await submit(await prove(g, { bend: { flags: { uv: false } } })),
      422,
      'user_verification_required',
    );
    expectProblem(
      await submit(await prove(g, { bend: { flags: { up: false } } })),
      422,
      'user_presence_required',
    );
    expectProblem(
      await submit(await prove(g, { bend: { flags: { be: true } } })),
      422,
      'flags_invalid',
    );
    expectProblem(
      await submit(await prove(g, { bend: { signature: 'flip' } })),
      422,
      'signature_invalid',
    );
    expectProblem(
      await submit(await prove(g, { bend: { userHandle: b64url(new Uint8Array(32)) } })),
      422,
      'credential_unknown',
    );
    // More than five failures burn nothing: the grant is the replay guard, not an attempt counter.
    expect((await submit(await prove(g))).status).toBe(200);
  });

  it('the counter is neither checked nor advanced: a proof signed before an online approval still syncs, and nothing locks', async () => {
    const g = await granted();
    const early = await prove(g); // counter 1
    const online = await call('POST', '/v1/actions', {
      user: { id: g.userId },
      action: DOOR,
      audience: 'door-7',
    });
    const details = await call('GET', `/v1/actions/${online.body.ticket}`, undefined, {
      auth: false,
    });
    const verified = await call(
      'POST',
      `/v1/actions/${online.body.ticket}/verify`,
      await g.auth.assert(details.body.options, { origin: ORIGIN }),
      { auth: false },
    );
    expect(verified.status).toBe(200); // counter 2
    expect((await submit(early)).status).toBe(200);
    const [cred] = await vaultRows<{ counter: number; state: string }>(
      g.userId,
      'SELECT counter, state FROM credentials WHERE id = ?',
      g.auth.credentialId,
    );
    expect(cred).toEqual({ counter: 2, state: 'active' });
  });
});

describe('malformed bodies: 400, and the grant stays usable', () => {
  it('each malformed proof is 400 invalid_request', async () => {
    const g = await granted();
    const proof = await prove(g);
    const bad: unknown[] = [
      [proof],
      { ...proof, extra: 1 },
      { ...proof, action: undefined },
      { ...proof, action: { door: '7' } },
      { ...proof, display: [DISPLAY] },
      { ...proof, assertion: undefined },
      {
        ...proof,
        assertion: {
          ...proof.assertion,
          response: { ...proof.assertion.response, signature: 'not base64url!' },
        },
      },
      { ...proof, statement: { ...proof.statement, v: 2 } },
      { ...proof, statement: { ...proof.statement, extra: 'signed but never read' } },
      { ...proof, statement: { ...proof.statement, signed_at: '1800000000' } },
      { ...proof, statement: { ...proof.statement, nonce: 'short' } },
      { ...proof, statement: { ...proof.statement, aud: 'psea' } },
    ];
    for (const body of bad) expectProblem(await submit(body), 400, 'invalid_request');
    expectProblem(await submit(undefined, { raw: '{"action":' }), 400, 'invalid_request');
    expectProblem(
      await submit(undefined, {
        raw: JSON.stringify(proof),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      400,
      'invalid_request',
    );
    expect((await submit(proof)).status).toBe(200);
  });
});
