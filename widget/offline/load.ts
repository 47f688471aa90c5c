/**
 * Loading the offline part (`/pages/offline.js`, engine.ts) on demand
 * (widget/lazy.ts), handing it the widget's own Failure and ceremony: one
 * class to recognise, one ceremony at a time.
 */
import { startAuthentication } from '@simplewebauthn/browser';
import { Failure } from '../api';
import { SCRIPT_ORIGIN } from '../base';
import { MESSAGES } from '../messages';
import type { OfflineEngine } from './engine';

/** Path and version of the offline part (scripts/build-widget.mjs fills it in). */
declare const PSEA_OFFLINE_PATH: string;

let engine: Promise<OfflineEngine> | undefined;

export const offlineEngine = (): Promise<OfflineEngine> =>
  (engine ??= (import(SCRIPT_ORIGIN + PSEA_OFFLINE_PATH) as Promise<{ init: (d: unknown) => OfflineEngine }>).then(
    // The widget's own Failure and ceremony: one class to recognise, one ceremony at a time.
    (m) => m.init({ Failure, sign: startAuthentication, messages: MESSAGES }),
    () => {
      engine = undefined;
      throw new Failure('network_error', true);
    },
  ));
