import { describe, expect, it } from 'vitest';
import {
  hashAction,
  hashDisplay,
  statementChallenge,
  verifyReceipt,
} from '../../packages/psea/src/receipt/index';
import { BASE, WIRE, assertion, call, enroll, newUserId, requestAction, verify } from './harness';

describe('enroll → action → verify → receipt', () => {
  it('issues a receipt that binds the exact action, user, audience and credential', async () => {
    const userId = newUserId();
    const { auth, reply } = await enroll(userId);
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({
      credentialId: auth.credentialId,
      aaguid: '00000000-0000-0000-0000-000000000000',
      deviceBound: true,
      backedUp: false,
    });

    const action = await requestAction(userId);
    expect(action.actionHash).toBe(await hashAction(WIRE));
    expect(action.approveUrl).toBe(`${BASE}/approve/${action.ticket}`);
    expect(action.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const details = await call('GET', `/v1/actions/${action.ticket}`, undefined, { auth: false });
    expect(details.status).toBe(200);
    const { statement, options } = details.body;
    expect(statement).toEqual({
      v: 1,
      iss: BASE,
      aud: 'payments-api',
      sub: userId,
      act: action.actionHash,
      dsp: action.dsp,
      nonce: statement.nonce,
    });
    expect(action.dsp).toBe(await hashDisplay(details.body.display));
    expect(options.challenge).toBe(await statementChallenge(statement));
    expect(options.userVerification).toBe('required');
    expect(options.rpId).toBe('localhost');
    expect(options.allowCredentials.map((c: { id: string }) => c.id)).toEqual([auth.credentialId]);

    const signed = await auth.assert(options, { origin: BASE });
    const ok = await verify(action.ticket, signed);
    expect(ok.status).toBe(200);

    const jwks = (await call('GET', '/.well-known/jwks.json')).body;
    const verified = await verifyReceipt(ok.body.receipt, {
      jwks,
      issuer: BASE,
      audience: 'payments-api',
      subject: userId,
      action: WIRE,
      display: details.body.display,
    });
    expect(verified.claims).toMatchObject({
      sub: userId,
      aud: 'payments-api',
      act: action.actionHash,
      act_type: 'wire.transfer',
      dsp: action.dsp,
      nonce: statement.nonce,
      uv: true,
      cred: { id: auth.credentialId, device_bound: true, backed_up: false },
      pol: 'default',
    });
    expect(verified.header.typ).toBe('psea-receipt+jwt');
    expect(await statementChallenge(verified.statement)).toBe(options.challenge);

    const status = await call('GET', `/v1/actions/${action.ticket}/status`);
    expect(status.body).toEqual({ state: 'approved', receipt: ok.body.receipt });

    // The same signed assertion again: the ticket is spent.
    const replay = await verify(action.ticket, signed);
    expect(replay.status).toBe(409);
    expect(replay.body.code).toBe('ticket_used');
  });
});

describe('browser posts without a preflight', () => {
  it('accepts the verify body as text/plain JSON (a CORS simple request)', async () => {
    const userId = newUserId();
    const { auth } = await enroll(userId);
    const { ticket } = await requestAction(userId);
    const response = await assertion(ticket, auth);
    const r = await call('POST', `/v1/actions/${ticket}/verify`, undefined, {
      auth: false,
      raw: JSON.stringify(response),
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://app.example.com' },
    });
    expect(r.status).toBe(200);
    expect(typeof r.body.receipt).toBe('string');
    expect(r.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
  });

  it('still requires application/json on server routes', async () => {
    const r = await call('POST', '/v1/actions', undefined, {
      raw: JSON.stringify({ user: { id: 'x' }, action: { type: 't' } }),
      headers: { 'content-type': 'text/plain' },
    });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('invalid_request');
  });
});
