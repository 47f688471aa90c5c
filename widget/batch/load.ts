/**
 * The batch hook of `<psea-approve>`: an answer that is a batch's (it has
 * `items`, or an action with a `batch` member) is checked and drawn by the
 * batch part (`/pages/batch.js`, engine.ts) before it is shown. The part is
 * loaded on demand from the service the element talks to, at the version
 * widget.js was built with (unversioned in `psea/widget`, which a host bundles
 * itself), and brings its own messages: widget.js stays within its budget.
 */
import { Failure } from '../api';
import { lazy } from '../lazy';
import { MESSAGES } from '../messages';
import type { BatchPart } from './engine';

/** Path and version of the batch part (scripts/build-widget.mjs fills it in). */
declare const PSEA_BATCH_PATH: string | undefined;

const part = lazy<BatchPart>(
  typeof PSEA_BATCH_PATH == 'string' ? PSEA_BATCH_PATH : '/pages/batch.js',
  () => ({ Failure, messages: MESSAGES }),
);

/** The answer, with the drawn list as `list` when it is a batch's; `batch_mismatch` (final) when it does not hold together. */
export const withBatch = async <T extends { action?: object; items?: unknown }>(
  data: T,
  endpoint: string,
): Promise<T> =>
  data.items !== undefined || 'batch' in (data.action ?? {})
    ? (await part(endpoint)).prepare(data)
    : data;
