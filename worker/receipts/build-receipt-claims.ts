import { randomId } from '../lib/random-id.ts';
import type { BatchSummary } from '../../packages/psea/src/receipt/batch.ts';
import type {
  ReceiptClaims,
  ReceiptCredential,
  Statement,
} from '../../packages/psea/src/receipt/types.ts';

export interface ReceiptFacts {
  /** The statement the passkey signed. */
  statement: Statement;
  actionHash: string;
  actionType: string;
  /** A batch's signed summary (docs/batches.md): the receipt's `batch` claim. */
  batch?: BatchSummary;
  /** The id of the policy rule the approval met. */
  ruleId: string;
  credential: ReceiptCredential;
  /** Milliseconds since the epoch. */
  now: number;
  ttlSeconds: number;
}

/** The claims of one approval's receipt: the signed statement's members, a fresh `jti`, and who approved. */
export function buildReceiptClaims(f: ReceiptFacts): ReceiptClaims {
  const iat = Math.floor(f.now / 1000);
  return {
    iss: f.statement.iss,
    sub: f.statement.sub,
    aud: f.statement.aud,
    iat,
    exp: iat + f.ttlSeconds,
    jti: randomId(16),
    act: f.actionHash,
    act_type: f.actionType,
    // The display commitment the passkey signed, so the claims rebuild its statement (absent on pre-v2 tickets).
    ...(f.statement.dsp === undefined ? {} : { dsp: f.statement.dsp }),
    nonce: f.statement.nonce,
    uv: true,
    cred: f.credential,
    pol: f.ruleId,
    ...(f.batch === undefined ? {} : { batch: f.batch }),
  };
}
