/**
 * The attack SPEC.md v2 "Receipt checks a backend cannot skip" closes: a thief
 * holding the victim's session asks for the same transfer in an account of
 * their own, approves it with their own passkey, and hands that receipt to the
 * victim's session. Same issuer, audience and action: only `sub` differs.
 */
import { describe, expect, it } from 'vitest';
import { verifyReceipt, type VerifyReceiptOptions } from '../../packages/psea/src/receipt/index';
import { BASE, WIRE, assertion, call, enroll, newUserId, requestAction, verify } from './harness';

async function approvedBy(userId: string): Promise<string> {
  const { auth } = await enroll(userId);
  const { ticket } = await requestAction(userId);
  const r = await verify(ticket, await assertion(ticket, auth));
  expect(r.status).toBe(200);
  return r.body.receipt as string;
}

describe('a receipt approved in another account', () => {
  it("is refused by the victim's backend with subject_mismatch, every time", async () => {
    const victim = newUserId('victim');
    const thief = newUserId('thief');
    await enroll(victim);
    const substituted = await approvedBy(thief);
    const jwks = (await call('GET', '/.well-known/jwks.json', undefined, { auth: false })).body;
    const victimBackend: VerifyReceiptOptions = {
      jwks,
      issuer: BASE,
      audience: 'payments-api',
      subject: victim,
      action: WIRE,
    };

    for (let i = 0; i < 2; i++)
      await expect(verifyReceipt(substituted, victimBackend)).rejects.toMatchObject({
        code: 'subject_mismatch',
      });
    // Whatever way the backend names the action.
    const { actionHash } = await requestAction(victim);
    await expect(
      verifyReceipt(substituted, { ...victimBackend, action: undefined, actionHash } as never),
    ).rejects.toMatchObject({ code: 'invalid_options' });
    const { action: _a, ...byHash } = victimBackend;
    await expect(verifyReceipt(substituted, { ...byHash, actionHash })).rejects.toMatchObject({
      code: 'subject_mismatch',
    });
    await expect(verifyReceipt(substituted, { ...byHash, action: false })).rejects.toMatchObject({
      code: 'subject_mismatch',
    });
    // The thief's own backend would accept it: the receipt itself is genuine.
    await expect(
      verifyReceipt(substituted, { ...victimBackend, subject: thief }),
    ).resolves.toMatchObject({ claims: { sub: thief } });
  });

  it('a backend that forgets the subject or the action is told so before the token is read', async () => {
    const thief = newUserId('thief');
    const substituted = await approvedBy(thief);
    const jwks = (await call('GET', '/.well-known/jwks.json', undefined, { auth: false })).body;
    const careless = { jwks, issuer: BASE, audience: 'payments-api' };
    await expect(verifyReceipt(substituted, careless as never)).rejects.toMatchObject({
      code: 'invalid_options',
    });
    await expect(
      verifyReceipt(substituted, { ...careless, action: WIRE } as never),
    ).rejects.toMatchObject({ code: 'invalid_options' });
    await expect(
      verifyReceipt(substituted, { ...careless, subject: thief } as never),
    ).rejects.toMatchObject({ code: 'invalid_options' });
    // The typo that used to pass silently.
    await expect(
      verifyReceipt(substituted, { ...careless, subjet: 'someone', action: WIRE } as never),
    ).rejects.toMatchObject({ code: 'invalid_options' });
  });
});
