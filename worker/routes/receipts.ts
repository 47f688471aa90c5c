import { Hono } from 'hono';
import { getSigningKeys, getVars, issuerFor } from '../config';
import type { AppEnv } from '../env';
import { PseaError } from '../errors';
import { requireApiKey } from '../http/api-key';
import { unwrap } from '../http/outcome';
import { userVault } from '../http/ticket';
import { jsonBody } from '../http/validate';
import { verifyReceipt } from '../receipt/verify-receipt';
import { RedeemRequest } from './schemas';

export const receipts = new Hono<AppEnv>();

// Server: check a receipt against our own keys and spend its jti, once. The service reads its
// own receipts by its own clock, so no skew is allowed: past `exp` is 401 (SPEC.md).
receipts.post('/v1/receipts/redeem', requireApiKey, jsonBody(RedeemRequest), async (c) => {
  const { receipt, audience } = c.req.valid('json');
  const keys = await getSigningKeys(c.env);
  const issuer = issuerFor(getVars(c.env), c.req.url);
  let claims;
  try {
    ({ claims } = await verifyReceipt(receipt, { jwks: keys.jwks, issuer, audience, clockTolerance: 0 }));
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? String(err.code) : 'malformed';
    throw new PseaError('receipt_invalid', `receipt failed verification (${code})`);
  }
  unwrap(await userVault(c.env, claims.sub).redeem(claims.jti, claims.exp, Date.now()));
  return c.json({ claims });
});
