/**
 * Loading the offline part (`/pages/offline.js`, engine.ts) on demand
 * (widget/lazy.ts), handing it the widget's own Failure and ceremony: one
 * class to recognise, one ceremony at a time.
 */
import { startAuthentication } from '@simplewebauthn/browser';
import { Failure } from '../api';
import { lazy } from '../lazy';
import { MESSAGES } from '../messages';
import type { OfflineEngine } from './engine';

/** Path and version of the offline part (scripts/build-widget.mjs fills it in). */
declare const PSEA_OFFLINE_PATH: string;

export const offlineEngine: () => Promise<OfflineEngine> = lazy(PSEA_OFFLINE_PATH, () => ({
  Failure,
  sign: startAuthentication,
  messages: MESSAGES,
}));
