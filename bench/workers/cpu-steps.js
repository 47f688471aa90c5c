// @ts-check
/**
 * Figure 1's kinds: what one iteration of each does. The rows of the figure
 * (`verify`, `verify-cold`, `do-verify`, `stateful-floor`, and the
 * references `floor` and `baseline`) are here; the step table's kinds, each
 * one part of the path, are in cpu-front-steps.js (in the isolate) and
 * cpu-vault-steps.js (the Durable Object). Every step calls the Worker's own
 * functions, imported from worker/ and never copied, so the bench measures
 * the code that ships.
 */
import { baselineVerify } from './baseline.js';
import { stepContext, queues, heads, scratchVault, statefulFloor } from './cpu-context.js';
import { frontSteps } from './cpu-front-steps.js';
import { vaultSteps } from './cpu-vault-steps.js';
import { floorOnce } from './floor.js';

/**
 * @typedef {import('./cpu-context.js').StepContext} StepContext
 * @typedef {import('./cpu-context.js').Step} Step
 * @typedef {(c: StepContext) => Step | undefined | Promise<Step | undefined>} StepFactory
 *   undefined: not ready (the step needs a consumed verify ticket first)
 */

/** @param {'verify' | 'verifyCold'} q */
const wholePath = (q) => (/** @type {StepContext} */ c) => async () => {
  const item = queues[q][heads[q]++];
  if (!item) return 599;
  return c.fetchApp(c.post(`/v1/actions/${item.ticket}/verify`, item.body));
};

/** @type {Record<string, StepFactory>} */
const figureSteps = {
  noop: () => () => undefined,
  // floor.js: SHA-256 ×2, one ECDSA verify, one ECDSA sign, keys imported.
  floor: (c) => (i) =>
    floorOnce(
      c.p.floor,
      /** @type {import('./floor.js').FloorInput} */ (c.p.inputs[i % c.p.inputs.length]),
    ).then(() => undefined),
  baseline: (c) => (i) => baselineVerify(c.p.baseline, c.pick(i)).then(() => undefined),
  // app.fetch of POST /v1/actions/:t/verify: body limit, routing, CORS, zod, ticket hash,
  // the Durable Object RPC, every WebAuthn check, the commit, receipt signing, the response.
  verify: wholePath('verify'),
  // The same, for tickets the vault no longer holds in memory (stashing them emptied it).
  'verify-cold': wholePath('verifyCold'),
  // Only the Durable Object's verifyAction, called on its stub.
  'do-verify': (c) => async () => {
    const item = queues.doVerify[heads.doVerify++];
    if (!item) return 599;
    const vault = c.env.VAULT.get(c.env.VAULT.idFromString(item.id));
    const out = await vault.verifyAction(item.hash, item.response, Date.now(), item.hash);
    return out.ok ? 200 : 422;
  },
  // The least an exactly-once approval on Durable Objects does, whole (cpu-context.js, cpu-vault.js).
  'stateful-floor': async (c) => {
    const done = c.done;
    if (!done) return undefined;
    await scratchVault(c.env, done);
    return async (i) => {
      const res = await statefulFloor(
        c.env,
        c.post(`/v1/actions/${c.fx.ticket}/verify`, c.body(i)),
        done.ticket.slice(0, 64),
      );
      await res.arrayBuffer();
      return res.status;
    };
  },
};

const steps = { ...figureSteps, ...frontSteps, ...vaultSteps };

/**
 * @param {string} kind
 * @param {import('./cpu-context.js').BenchEnv} env
 * @param {ExecutionContext} ctx
 * @returns {Promise<Step | undefined>}
 */
export async function stepOf(kind, env, ctx) {
  const make = Object.hasOwn(steps, kind)
    ? steps[/** @type {keyof typeof steps} */ (kind)]
    : undefined;
  return make ? make(await stepContext(env, ctx)) : undefined;
}
