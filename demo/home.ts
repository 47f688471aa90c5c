/**
 * The demo's part of `GET /`: the bank page, when the demo is served here
 * (DEMO is "true", on loopback); otherwise the product's landing page answers.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../worker/env';
import { bankPage } from './bank-page';
import { DEMO_DISPLAY_AMOUNT, DEMO_TO, demoHere } from './routes';

/** The bank page's HTML, or undefined when the demo is not served here. */
export function demoHome(c: Context<AppEnv>, page: { rpName: string; nonce: string }): string | undefined {
  return demoHere(c) ? bankPage({ ...page, amount: DEMO_DISPLAY_AMOUNT, to: DEMO_TO }) : undefined;
}
