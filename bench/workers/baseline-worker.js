// @ts-check
/**
 * Bench-only Worker, served by the same workerd as the real bundle:
 *
 *   POST /v1/verify   the stateless baseline (baseline.js): one Hono route,
 *                     verifyAuthenticationResponse + jose SignJWT
 *   POST /floor       the crypto floor per request (floor.js): parse the
 *                     body, decode, two SHA-256, one verify, one sign
 *   GET  /empty       an empty Hono route (HTTP + runtime overhead)
 *
 * BENCH is a JSON binding (fixture.js) written by bench/run.mjs.
 */
import { Hono } from 'hono';
import { baselineState, baselineVerify } from './baseline.js';
import { floorInput, floorKeys, floorOnce } from './floor.js';

/** @typedef {{ Bindings: { BENCH: import('./fixture.js').BenchFixture } }} Env */
/** @typedef {import('@simplewebauthn/server').AuthenticationResponseJSON} AuthenticationResponseJSON */

/** @type {Promise<import('./baseline.js').BaselineState> | undefined} */
let baseline;
/** @type {Promise<import('./floor.js').FloorKeys> | undefined} */
let floor;

/** @type {Hono<Env>} */
const app = new Hono();

app.post('/v1/verify', async (c) => {
  baseline ??= baselineState(c.env.BENCH);
  const response = await c.req.json();
  try {
    return c.json({
      receipt: await baselineVerify(
        await baseline,
        /** @type {AuthenticationResponseJSON} */ (response),
      ),
    });
  } catch {
    return c.json({ code: 'signature_invalid' }, 422);
  }
});

app.post('/floor', async (c) => {
  floor ??= floorKeys(c.env.BENCH);
  const response = await c.req.json();
  const sig = await floorOnce(await floor, floorInput(response, c.env.BENCH.ticket));
  return c.json({ receipt: sig.length });
});

app.get('/empty', (c) => c.text('ok'));

export default app;
