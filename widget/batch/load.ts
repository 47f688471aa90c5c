/**
 * The batch hook of `<psea-approve>`: an answer that is a batch's (it has
 * `items`, or an action with a `batch` member) is checked by the batch part
 * (`/pages/batch.js`, engine.ts), loaded on demand from the origin widget.js
 * came from, at the version it was built with, before it is shown.
 */
import { Failure } from '../api';
import { SCRIPT_ORIGIN } from '../base';
import type { BatchAnswer, Prepared } from './engine';

/** Path and version of the batch part (scripts/build-widget.mjs fills it in). */
declare const PSEA_BATCH_PATH: string;

let engine: Promise<{ prepare: (d: BatchAnswer) => Promise<Prepared> }> | undefined;

/** A batch answer with its drawn list; `batch_mismatch` (final, no ceremony) when it does not hold together. */
export async function withBatch<T extends object>(data: T): Promise<T & { list?: HTMLElement }> {
  const d = data as unknown as BatchAnswer;
  if (d.items === undefined && !Object.hasOwn(d.action ?? {}, 'batch')) return data;
  const e = await (engine ??= import(SCRIPT_ORIGIN + PSEA_BATCH_PATH).catch(() => {
    engine = undefined;
    throw new Failure('network_error', true);
  }));
  const prepared = await e.prepare(d);
  if ('mismatch' in prepared) throw new Failure('batch_mismatch', false);
  return Object.assign(data, { list: prepared.list });
}
