/**
 * verifyReceipt's options: how to read the token (token-options.ts) and the
 * checks a backend cannot skip (docs/api.md): whose receipt it is
 * (`subject`), for what (`action`, `actionHash`, or an explicit
 * `action: false`), shown how (`display`), and whether an offline approval
 * counts. All checked before the token is looked at. An option nobody knows
 * is refused too: a typo (`subjet`) must not pass for a check that was made.
 */
import { canonicalJson } from '../internal/canonical-json.ts';
import { checkQuorumOption } from './quorum-option.ts';
import type { QuorumOption } from './quorum-types.ts';
import {
  badOptions as bad,
  checkTokenOptions,
  type ReceiptTokenOptions,
  type TokenChecks,
} from './token-options.ts';
import { batchCheckOf, type BatchCheck, type BatchItemOption } from './batch-check.ts';

export { DEFAULT_CLOCK_TOLERANCE_SECONDS } from './token-options.ts';

/** The options every verifyReceipt call takes, whatever it compares the action with. */
export interface VerifyReceiptBaseOptions extends ReceiptTokenOptions {
  /** Required. The user the backend acts for: the `user.id` it sent to `POST /v1/actions`, from its own session. `sub` must equal it. */
  subject: string;
  /** The display sent to `POST /v1/actions` (as `GET /v1/actions/:ticket` serves it); its hashDisplay must equal the receipt's `dsp`. Optional. */
  display?: unknown;
  /** Accept a receipt from an offline approval (`offline: true`, docs/offline.md). Default false. */
  allowOffline?: boolean;
  /**
   * The groups this backend requires (docs/quorum.md): only a `psea-quorum+jwt` then passes, judged
   * against these groups. `subject` is then the initiator. Without it, a quorum receipt is `typ_invalid`.
   */
  quorum?: QuorumOption;
}

/**
 * What the receipt's `act` is compared with: exactly one of these members.
 * A union, so that leaving them all out does not compile (a backend that
 * compares nothing must say so with `action: false`); `never` on the others
 * makes two at once fail to compile too.
 */
export type ActionOption =
  | {
      /**
       * The action about to be executed, exactly as sent to `POST /v1/actions`; its hashAction must equal `act`.
       * Or `false`, an explicit choice to compare no action.
       */
      action: unknown;
      actionHash?: never;
      batch?: never;
      item?: never;
    }
  | {
      /** The actionHash to compare with `act`, for a backend that stored the hash instead of the action. */
      actionHash: string;
      action?: never;
      batch?: never;
      item?: never;
    }
  | {
      /**
       * A batch receipt (docs/batches.md): every item exactly as sent in `batch.items`, in order;
       * they must rebuild the signed `batch`.
       */
      batch: readonly unknown[];
      action?: never;
      actionHash?: never;
      item?: never;
    }
  | {
      /** A batch receipt: one item, its 0-based index and `batchProof(items, index)` (docs/batches.md). */
      item: BatchItemOption;
      action?: never;
      actionHash?: never;
      batch?: never;
    };

export type VerifyReceiptOptions = VerifyReceiptBaseOptions & ActionOption;

/** Every option, whichever member of ActionOption a call uses. */
type AnyOptions = VerifyReceiptBaseOptions & {
  action?: unknown;
  actionHash?: string;
  batch?: readonly unknown[];
  item?: BatchItemOption;
};

/** What `act` is compared with: the JCS of an action, a given hash, a batch or one of its items, or nothing (`action: false`). */
type ActionCheck = { json: string } | { hash: string } | { batch: BatchCheck } | false;

export interface CheckedOptions {
  token: TokenChecks;
  subject: string;
  action: ActionCheck;
  /** JCS of options.display, when given. */
  displayJson: string | undefined;
  allowOffline: boolean;
  /** The caller's quorum groups, checked. */
  quorum?: QuorumOption;
}

/** Every option there is; a Record, so adding an option to the interface without listing it here does not compile. */
const OPTION_NAMES: Record<keyof AnyOptions, true> = {
  jwks: true,
  jwksUrl: true,
  issuer: true,
  audience: true,
  maxAge: true,
  clockTolerance: true,
  now: true,
  subject: true,
  action: true,
  actionHash: true,
  batch: true,
  item: true,
  display: true,
  allowOffline: true,
  quorum: true,
};
const KNOWN = new Set(Object.keys(OPTION_NAMES));

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function actionOf(options: AnyOptions): ActionCheck {
  const hasAction = 'action' in options;
  const hasHash = 'actionHash' in options;
  const batches = Number('batch' in options) + Number('item' in options);
  if (batches > 0) {
    if (batches + Number(hasAction) + Number(hasHash) > 1)
      throw bad('pass exactly one of action, actionHash, batch, item and action: false');
    return { batch: batchCheckOf(options) };
  }
  // A present-but-undefined value is a bug in the caller (say, a missing body field), not a request to skip the check.
  if (hasAction && options.action === undefined)
    throw bad('action is undefined; pass the action, or action: false to compare none');
  if (hasHash && typeof options.actionHash !== 'string') throw bad('actionHash must be a string');
  // `action: false` with an actionHash is two answers to one question: which one was meant?
  if (hasAction === hasHash) throw bad('pass exactly one of action, actionHash and action: false');
  if (hasHash) return { hash: options.actionHash as string };
  if (options.action === false) return false;
  if (!isObject(options.action))
    throw bad('action must be the action object (or false to compare none)');
  // Canonicalised up front, so an unhashable action fails before any crypto.
  return { json: canonicalJson(options.action) };
}

/** Validate verifyReceipt's options once per call. */
export function checkOptions(given: VerifyReceiptOptions): CheckedOptions {
  if (!isObject(given)) throw bad('options are required');
  // Own members only, read once: a value inherited from a polluted Object.prototype, or a getter
  // that answers differently the second time, must not switch a check off.
  const options = Object.assign(Object.create(null), given) as AnyOptions;
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) throw bad(`unknown option "${key}"`);
  if (typeof options.subject !== 'string' || options.subject === '') {
    throw bad('subject must be the id of the user the backend acts for (a non-empty string)');
  }
  const action = actionOf(options);
  const token = checkTokenOptions(options);

  let displayJson: string | undefined;
  if ('display' in options) {
    if (!isObject(options.display))
      throw bad('display must be the display object; leave the key out to skip the check');
    displayJson = canonicalJson(options.display);
  }
  if (options.allowOffline !== undefined && typeof options.allowOffline !== 'boolean')
    throw bad('allowOffline must be a boolean');

  const checked: CheckedOptions = {
    token,
    subject: options.subject,
    action,
    displayJson,
    allowOffline: options.allowOffline === true,
  };
  if ('quorum' in options) checked.quorum = checkQuorumOption(options.quorum, options.subject);
  return checked;
}
