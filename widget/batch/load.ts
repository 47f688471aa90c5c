/**
 * The batch hook of `<psea-approve>`: an answer that is a batch's (it has
 * `items`, or an action with a `batch` member) is checked by the batch part
 * (`/pages/batch.js`, engine.ts), loaded on demand from the service the
 * element talks to, at the version widget.js was built with (unversioned in
 * `psea/widget`, which a host bundles itself), before it is shown.
 */
import { Failure } from '../api';
import type { BatchAnswer, Prepared } from './engine';

/** Path and version of the batch part (scripts/build-widget.mjs fills it in). */
declare const PSEA_BATCH_PATH: string | undefined;

let engine: Promise<{ prepare: (d: BatchAnswer) => Promise<Prepared> }> | undefined;

/** A batch answer with its drawn list; `batch_mismatch` (final, no ceremony) when it does not hold together. */
export async function withBatch<T extends object>(
  data: T,
  endpoint: string,
): Promise<T & { list?: HTMLElement }> {
  const d = data as unknown as BatchAnswer;
  if (d.items === undefined && !Object.hasOwn(d.action ?? {}, 'batch')) return data;
  const path = typeof PSEA_BATCH_PATH === 'string' ? PSEA_BATCH_PATH : '/pages/batch.js';
  const e = await (engine ??= import(endpoint.replace(/\/+$/, '') + path).catch(() => {
    engine = undefined;
    throw new Failure('network_error', true);
  }));
  const prepared = await e.prepare(d);
  if ('mismatch' in prepared) throw new Failure('batch_mismatch', false);
  return Object.assign(data, { list: prepared.list });
}
