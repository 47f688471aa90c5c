/** Loading the quorum part (`/pages/quorum.js`, engine.ts) on demand (widget/lazy.ts), with Lit's and the widget's pieces it renders with. */
import { html, nothing } from 'lit';
import { Failure } from '../api';
import { lazy } from '../lazy';
import { visible } from '../visible';
import type { QuorumEngine } from './engine';

/** Path and version of the quorum part (scripts/build-widget.mjs fills it in). */
declare const PSEA_QUORUM_PATH: string;

export const quorumEngine = lazy<QuorumEngine>(PSEA_QUORUM_PATH, () => ({
  html,
  nothing,
  visible,
  Failure,
}));
