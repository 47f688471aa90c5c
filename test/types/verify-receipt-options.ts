/**
 * Type test, checked by `tsc -p tsconfig.node.json` (part of `npm run typecheck`), never run:
 * verifyReceipt's options must name what `act` is compared with. Each `@ts-expect-error` fails
 * the typecheck if the line under it ever compiles.
 */
import { verifyReceipt, type VerifyReceiptOptions } from '../../packages/psea/src/receipt/index.ts';

declare const token: string;
declare const pending: { action: { type: string; amount: string }; actionHash: string };
const base = {
  jwksUrl: 'https://approve.example.com/.well-known/jwks.json',
  issuer: 'https://approve.example.com',
  audience: 'payments-api',
  subject: 'u-123',
};

// Each way of saying what was approved compiles.
void verifyReceipt(token, { ...base, action: pending.action });
void verifyReceipt(token, { ...base, actionHash: pending.actionHash });
void verifyReceipt(token, { ...base, action: false });
void verifyReceipt(token, {
  ...base,
  action: pending.action,
  display: { title: 'Wire' },
  allowOffline: true,
});
// A batch's items, or one item with its proof (docs/api.md "Batches").
void verifyReceipt(token, { ...base, batch: [{ to: 'DE89…', amount: '10.00' }] });
void verifyReceipt(token, { ...base, item: { value: { to: 'DE89…' }, index: 0, proof: [] } });

// The docs/agents.md crash: no action at all.
// @ts-expect-error: one of action, actionHash, action: false, batch or item is required
void verifyReceipt(token, { ...base });
// @ts-expect-error: two answers to one question
void verifyReceipt(token, { ...base, action: pending.action, actionHash: pending.actionHash });
// @ts-expect-error: a batch receipt is checked by its items, not together with an action
void verifyReceipt(token, { ...base, action: pending.action, batch: [] });
// @ts-expect-error: the hash is a string
void verifyReceipt(token, { ...base, actionHash: 42 });
// @ts-expect-error: the subject is required too
void verifyReceipt(token, {
  jwksUrl: base.jwksUrl,
  issuer: base.issuer,
  audience: base.audience,
  action: false,
});

// A stored options object keeps the requirement.
const stored: VerifyReceiptOptions = { ...base, actionHash: pending.actionHash };
void verifyReceipt(token, stored);
// @ts-expect-error: an options object without an action check is not VerifyReceiptOptions
const careless: VerifyReceiptOptions = { ...base };
void careless;
