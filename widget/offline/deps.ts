/**
 * What the offline part borrows from widget.js when it is loaded
 * (`init` in engine.ts): the widget's own `Failure` class, so a failure made
 * here is one the element recognises, and its one copy of SimpleWebAuthn's
 * ceremony, so that a page still runs one passkey ceremony at a time; and its
 * default messages, to which this part adds its own (messages.ts).
 */
import type { startAuthentication } from '@simplewebauthn/browser';
import type { Failure } from '../api';

export const deps = {} as {
  Failure: typeof Failure;
  sign: typeof startAuthentication;
  messages: Record<string, string>;
};
