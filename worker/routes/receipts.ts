import { Hono } from 'hono';
import { getSigningKeys, getVars, serviceOrigin } from '../config';
import type { AppEnv } from '../env';
import { ProblemError } from '../errors';
import { requireApiKey } from '../http/api-key';
import { userVault } from '../http/ticket';
import { jsonBody } from '../http/validate';
import { writeVault } from '../vault/object-call';
import { checkTokenOptions } from '../../packages/psea/src/receipt/token-options';
import { verifyReceiptToken } from '../../packages/psea/src/receipt/verify-token';
import { verifyAnyReceiptToken } from './redeem-quorum';
import type { ReceiptClaims } from '../../packages/psea/src/receipt/types';
import { RedeemRequest } from './schemas';
import { redeemedItems } from './redeem-items';

export const receipts = new Hono<AppEnv>();

// Server: check a receipt against our own keys and spend its jti, once. Expiry is exact: from the
// second of `exp` on it is 401 (docs/api.md). `iat` keeps the usual tolerance, since the machine that
// signed may run a little ahead of the one that redeems.
// The token half of verifyReceipt only (verify-token.ts), not verifyReceipt itself: here the service
// spends its own receipt and acts for no user, so there is no subject or action to compare (a subject
// read from the token and compared with itself would look like a check and be none). `sub` routes to
// the vault only once the signature has verified, and offline receipts redeem like any other. The
// backend that acts on the receipt still calls verifyReceipt with its subject and action.
receipts.post('/v1/receipts/redeem', requireApiKey, jsonBody(RedeemRequest), async (c) => {
  const { receipt, audience, item } = c.req.valid('json');
  const keys = await getSigningKeys(c.env);
  const issuer = serviceOrigin(getVars(c.env), c.req.url);
  let claims;
  try {
    ({ claims } = await verifyAnyReceiptToken(
      receipt,
      checkTokenOptions({ jwks: keys.jwks, issuer, audience }),
      verifyReceiptToken,
    ));
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? String(err.code) : 'malformed';
    throw new ProblemError('receipt_invalid', `receipt failed verification (${code})`);
  }
  if (claims.exp <= Math.floor(Date.now() / 1000))
    throw new ProblemError('receipt_invalid', 'receipt failed verification (expired)');
  const now = Date.now();
  // A batch receipt spends items, each once (redeem-items.ts); any other, its jti.
  // A quorum receipt has no `batch`: spent by its jti like a single one (docs/quorum.md).
  const items = redeemedItems(claims as ReceiptClaims, item);
  const vault = userVault(c.env, claims.sub);
  if (items)
    await writeVault(c.env, vault, 'redeemItems', (v) =>
      v.redeemItems(claims.jti, claims.exp, items, now),
    );
  else await writeVault(c.env, vault, 'redeem', (v) => v.redeem(claims.jti, claims.exp, now));
  return c.json({ claims });
});
