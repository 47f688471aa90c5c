/**
 * The demo's part of `GET /`: the bank page, when the demo is served here
 * (DEMO is "true", on loopback); otherwise the product's landing page answers.
 */
import type { Context, Next } from 'hono';
import type { AppEnv } from '../worker/env';
import { bankPage } from './bank-page';
import { getVars } from '../worker/config';
import { nonce, pageHeaders } from '../worker/pages/html';
import { DEMO_DISPLAY_AMOUNT, DEMO_TO, demoHere } from './routes';

/** `GET /`: the bank page when the demo is served here; otherwise on to the landing page. */
export async function demoHome(c: Context<AppEnv>, next: Next): Promise<Response | void> {
  if (!demoHere(c)) return next();
  const n = nonce();
  const html = bankPage({
    rpName: getVars(c.env).rpName,
    nonce: n,
    amount: DEMO_DISPLAY_AMOUNT,
    to: DEMO_TO,
  });
  return new Response(html, { headers: pageHeaders(n) });
}
