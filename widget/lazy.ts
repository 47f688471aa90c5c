/**
 * A part of the widget loaded on demand (`/pages/offline.js`, `/pages/quorum.js`), from the
 * origin widget.js came from, at the version it was built with: once per page, and again
 * after a failed load (no network yet). `deps` are widget.js's own pieces it hands over; `base`
 * is where to load it from when not widget.js's own origin (the batch part: the element's endpoint).
 */
import { Failure } from './api';
import { SCRIPT_ORIGIN } from './base';

export function lazy<E>(path: string, deps: () => unknown): (base?: string) => Promise<E> {
  let part: Promise<E> | undefined;
  return (base = SCRIPT_ORIGIN) =>
    (part ??= (import(new URL(path, base).href) as Promise<{ init: (d: unknown) => E }>).then(
      (m) => m.init(deps()),
      () => {
        part = undefined;
        throw new Failure('network_error', true);
      },
    ));
}
