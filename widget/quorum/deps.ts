/** What the quorum part borrows from widget.js: Lit's `html` and `nothing`, and `visible` (one copy of each on the page). */
import type { html, nothing } from 'lit';
import type { visible } from '../visible';

export interface QuorumDeps {
  html: typeof html;
  nothing: typeof nothing;
  visible: typeof visible;
}
