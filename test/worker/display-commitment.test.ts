/**
 * SPEC.md v2 "The statement commits to the display": `dsp` is the hash of the
 * display exactly as `GET /v1/actions/:ticket` serves it, and the 201, the
 * statement the passkey signs and the receipt all carry the same one.
 */
import { describe, expect, it } from 'vitest';
import {
  hashDisplay,
  statementChallenge,
  statementFromClaims,
  verifyReceipt,
} from '../../packages/psea/src/receipt/index';
import {
  BASE,
  WIRE,
  call,
  details,
  enroll,
  expectProblem,
  newUserId,
  requestAction,
  verify,
} from './harness';

function b64urlJson(part: string): any {
  return JSON.parse(
    new TextDecoder().decode(
      Uint8Array.from(atob(part.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)),
    ),
  );
}

/** Ask for WIRE with `extra`, approve it, and return everything a verifier could hold. */
async function approve(extra: Record<string, unknown>) {
  const userId = newUserId('dsp');
  const { auth } = await enroll(userId);
  const created = await requestAction(userId, extra);
  const served = await details(created.ticket);
  expect(served.status).toBe(200);
  const signed = await auth.assert(served.body.options, { origin: BASE });
  const r = await verify(created.ticket, signed);
  expect(r.status).toBe(200);
  const jwks = (await call('GET', '/.well-known/jwks.json', undefined, { auth: false })).body;
  return { userId, created, served: served.body, signed, receipt: r.body.receipt as string, jwks };
}

/** The one dsp, everywhere: 201, statement, receipt, and the hash of the display served. */
async function expectOneDsp(a: Awaited<ReturnType<typeof approve>>) {
  const dsp = await hashDisplay(a.served.display);
  expect(a.created.dsp).toBe(dsp);
  expect(a.served.statement).toEqual({
    v: 1,
    iss: BASE,
    aud: 'payments-api',
    sub: a.userId,
    act: a.created.actionHash,
    dsp,
    nonce: a.served.statement.nonce,
  });
  expect(a.served.options.challenge).toBe(await statementChallenge(a.served.statement));

  const { claims, statement } = await verifyReceipt(a.receipt, {
    jwks: a.jwks,
    issuer: BASE,
    audience: 'payments-api',
    subject: a.userId,
    action: WIRE,
    display: a.served.display,
  });
  expect(claims.dsp).toBe(dsp);
  // From the receipt alone, the challenge the passkey signed, as its clientDataJSON says.
  const clientData = b64urlJson(a.signed.response.clientDataJSON);
  expect(clientData.type).toBe('webauthn.get');
  expect(await statementChallenge(statementFromClaims(claims))).toBe(clientData.challenge);
  expect(statement).toEqual(a.served.statement);
}

describe('dsp', () => {
  it('without a display: the hash of the default display, as served', async () => {
    const a = await approve({});
    expect(a.served.display).toEqual({
      title: 'Wire transfer',
      fields: [
        { label: 'amount', value: '1250.00' },
        { label: 'currency', value: 'EUR' },
        { label: 'to', value: WIRE.to },
      ],
    });
    await expectOneDsp(a);
  });

  it('with a display: its hash, as served', async () => {
    const display = {
      title: 'Send €1,250.00',
      fields: [
        { label: 'To', value: WIRE.to },
        { label: 'Amount', value: '€1,250.00' },
      ],
    };
    const a = await approve({ display });
    expect(a.served.display).toEqual(display);
    await expectOneDsp(a);
  });

  it('a display without fields is served and hashed with fields: [], and unknown members are neither', async () => {
    const sent = { title: 'Send €1,250.00', html: '<b>Send €1</b>' };
    const a = await approve({ display: sent });
    expect(a.served.display).toEqual({ title: 'Send €1,250.00', fields: [] });
    expect(a.created.dsp).not.toBe(await hashDisplay(sent));
    expect(a.created.dsp).not.toBe(await hashDisplay({ title: 'Send €1,250.00' }));
    await expectOneDsp(a);
  });

  it('the same action under another display: another dsp, and its receipt fails that display', async () => {
    const shown = { title: 'Send €1,250.00 to your landlord', fields: [] };
    const a = await approve({ display: shown });
    const b = await approve({ display: { title: 'Send €1,250.00 to a stranger', fields: [] } });
    expect(a.created.actionHash).toBe(b.created.actionHash);
    expect(a.created.dsp).not.toBe(b.created.dsp);
    const backend = {
      jwks: b.jwks,
      issuer: BASE,
      audience: 'payments-api',
      subject: b.userId,
      action: WIRE,
    };
    await expect(verifyReceipt(b.receipt, { ...backend, display: shown })).rejects.toMatchObject({
      code: 'display_mismatch',
    });
    await expect(verifyReceipt(b.receipt, backend)).resolves.toBeDefined();
  });

  it('a display string with a lone surrogate cannot be hashed: 400 naming the field', async () => {
    const userId = newUserId('dsp-surrogate');
    await enroll(userId);
    const cases: [unknown, RegExp][] = [
      [{ title: 'Send \ud800' }, /^display\.title: .*lone surrogates/],
      [
        { title: 'Send', fields: [{ label: 'To\udc00', value: 'x' }] },
        /^display\.fields\.0\.label: /,
      ],
      [
        { title: 'Send', fields: [{ label: 'To', value: '\udfff' }] },
        /^display\.fields\.0\.value: /,
      ],
    ];
    for (const [display, detail] of cases) {
      const r = await call('POST', '/v1/actions', { user: { id: userId }, action: WIRE, display });
      expectProblem(r, 400, 'invalid_request');
      expect(r.body.detail).toMatch(detail);
    }
    // An empty value is still a value; a pair is one character.
    expect(
      (
        await call('POST', '/v1/actions', {
          user: { id: userId },
          action: WIRE,
          display: { title: 'Send 😀', fields: [{ label: 'To', value: '' }] },
        })
      ).status,
    ).toBe(201);
  });
});
