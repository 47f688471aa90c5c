/**
 * Check 7, `receipt`, and the receipt's claims the other checks compare with.
 * Without a JWKS the payload is read unverified (decodeJwt) for `statement`
 * and `log` to compare with: they then show the bundle agrees with itself,
 * and `receipt` is `unavailable`.
 */
import { decodeJwt } from 'jose';
import { ReceiptError } from '../receipt/errors.ts';
import { canonicalJson } from '../internal/canonical-json.ts';
import { verifyReceipt } from '../receipt/verify-receipt.ts';
import type { PublicJWKSet } from '../receipt/types.ts';
import { BundleFault, isObject, member, text } from './bundle-parts.ts';
import type { CheckedOptions } from './options.ts';

export function unverifiedClaims(bundle: unknown): Record<string, unknown> {
  try {
    return decodeJwt(text(bundle, 'receipt')) as Record<string, unknown>;
  } catch (err) {
    throw new BundleFault(err instanceof BundleFault ? err.message : 'receipt is not a JWT');
  }
}

export async function checkReceipt(bundle: unknown, opts: CheckedOptions): Promise<void> {
  const token = text(bundle, 'receipt');
  const claims = unverifiedClaims(bundle);
  const statement = member(bundle, 'statement');
  if (!isObject(statement)) throw new BundleFault('the bundle has no statement');
  // Evidence outlives the receipt: the signature is checked as of the receipt's own iat.
  if (typeof claims.iat !== 'number') throw new BundleFault('receipt has no iat');
  const display = isObject(bundle) ? bundle.display : undefined;
  const keys =
    opts.jwks instanceof URL || typeof opts.jwks === 'string'
      ? { jwksUrl: String(opts.jwks) }
      : { jwks: opts.jwks as PublicJWKSet };
  try {
    const { claims: verified } = await verifyReceipt(token, {
      ...keys,
      issuer: String(statement.iss),
      audience: String(statement.aud),
      subject: opts.subject ?? String(statement.sub),
      // A batch receipt is never checked against its summary by verifyReceipt: here the bundle's
      // built action is compared with the receipt's batch claim instead (docs/batches.md "Auditing").
      action: claims.batch === undefined ? member(bundle, 'action') : false,
      ...(isObject(display) ? { display } : {}),
      now: new Date(claims.iat * 1000),
      allowOffline: true,
    });
    if (
      verified.batch !== undefined &&
      canonicalJson({ type: verified.act_type, batch: verified.batch }) !==
        canonicalJson(member(bundle, 'action'))
    ) {
      throw new BundleFault("the receipt's batch is not the bundle's action");
    }
    if (verified.cred.id !== text(bundle, 'credential.id'))
      throw new BundleFault("the receipt's cred.id is not credential.id");
  } catch (err) {
    if (err instanceof ReceiptError) throw new BundleFault(`${err.code}: ${err.message}`);
    throw err;
  }
}
