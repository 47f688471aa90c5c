// @ts-check
/**
 * What the cpu worker's steps share: the tickets stashed by the driver
 * (prepared through the real routes), the fixture's inputs decoded once, the
 * scratch rows, and a step's view of all that (StepContext).
 */
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import app from '../../worker/index';
import { getVars } from '../../worker/config';
import { ticketHash } from '../../worker/http/ticket';
import { encodeB64url } from '../../packages/psea/src/internal/base64url';
import { rpIdHash } from '../../packages/psea/src/webauthn/bytes';
import { checkAssertion } from '../../packages/psea/src/webauthn/check-assertion';
import { importCosePublicKey } from '../../packages/psea/src/webauthn/cose-key';
import { baselineState } from './baseline.js';
import { floorInput, floorKeys } from './floor.js';
import { benchVaults, SCRATCH_TICKETS } from './cpu-vault.js';

/**
 * @typedef {import('./cpu-vault.js').BenchEnv} BenchEnv
 * @typedef {import('@simplewebauthn/server').AuthenticationResponseJSON} AuthenticationResponseJSON
 * @typedef {{ ticket: string, body: string }} Stashed a ticket and its assertion's JSON
 * @typedef {{ id: string, hash: string, response: AuthenticationResponseJSON }} DoItem
 * @typedef {((i: number) => Promise<number | void> | number | void) | { batch: (n: number) => Promise<number> }} Step
 *   one iteration (its status; none is 200), or a whole batch run elsewhere (rows touched)
 * @typedef {Awaited<ReturnType<typeof load>>} Prepared
 * @typedef {object} StepContext
 * @property {BenchEnv} env
 * @property {Prepared} p
 * @property {import('./fixture.js').BenchFixture} fx
 * @property {(i: number) => AuthenticationResponseJSON} pick the i-th pooled assertion
 * @property {(i: number) => string} body the i-th pooled assertion as JSON
 * @property {(path: string, body: string) => Request} post
 * @property {(req: Request) => Promise<number>} fetchApp the real app, answer read, its status
 * @property {Stashed | undefined} done a consumed verify ticket, for the steps that need a real user's object
 */

/** @type {{ verify: Stashed[], verifyCold: Stashed[], doVerify: DoItem[] }} */
export const queues = { verify: [], verifyCold: [], doVerify: [] };
export const heads = { verify: 0, verifyCold: 0, doVerify: 0 };

/** @param {BenchEnv} env */
async function load(env) {
  const fx = env.BENCH;
  const expected = {
    challenge: fx.challenge,
    rpIdHash: await rpIdHash(getVars(env).rpId),
    allowedOrigins: new Set([fx.origin]),
  };
  const publicKeyCose = /** @type {Uint8Array<ArrayBuffer>} */ (
    isoBase64URL.toBuffer(fx.credential.publicKeyCose)
  );
  return {
    floor: await floorKeys(fx),
    inputs: fx.assertions.map((a) => floorInput(a, fx.ticket)),
    baseline: await baselineState(fx),
    bodies: fx.assertions.map((a) => JSON.stringify(a)),
    expected,
    publicKeyCose,
    /** The fixture's credential key, imported once as the vault caches it. */
    credentialKey: await importCosePublicKey(publicKeyCose),
    /** The pooled assertions after checkAssertion, ready for the signature check. */
    checked: fx.assertions.map((a) => checkAssertion(a, expected)),
  };
}

/** @type {Promise<Prepared> | undefined} */
let prepared;

/**
 * @param {BenchEnv} env
 * @param {ExecutionContext} ctx
 * @returns {Promise<StepContext>}
 */
export async function stepContext(env, ctx) {
  prepared ??= load(env);
  const p = await prepared;
  const fx = env.BENCH;
  const origin = fx.origin;
  return {
    env,
    p,
    fx,
    pick: (i) =>
      /** @type {AuthenticationResponseJSON} */ (fx.assertions[i % fx.assertions.length]),
    body: (i) => /** @type {string} */ (p.bodies[i % p.bodies.length]),
    // As over HTTP: with its Content-Length (the body limit takes a fast path on it, and re-reads the stream without it).
    post: (path, body) =>
      new Request(`${origin}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': String(new TextEncoder().encode(body).length),
          origin,
        },
        body,
      }),
    fetchApp: async (req) => {
      const res = await app.fetch(req, env, ctx);
      await res.arrayBuffer();
      return res.status;
    },
    done: heads.verify > 0 ? queues.verify[0] : undefined,
  };
}

/** @type {Promise<string> | undefined} a real receipt, once the scratch rows are made */
let scratchReady;

/**
 * The vault of a consumed verify ticket, with its scratch rows made (once):
 * `do-commit-real-rpc` and `stateful-floor` write only those.
 * @param {BenchEnv} env
 * @param {Stashed} done
 */
export async function scratchVault(env, done) {
  const hash = await ticketHash(done.ticket);
  const credentialId = /** @type {{ id: string }} */ (JSON.parse(done.body)).id;
  const stub = benchVaults(env).get(env.VAULT.idFromString(done.ticket.slice(0, 64)));
  scratchReady ??= (async () => {
    const status = await stub.actionStatus(hash, Date.now());
    const receipt = status.ok ? status.value.receipt : undefined;
    if (!receipt) throw new Error('scratch rows: the consumed ticket has no receipt');
    await stub.benchScratch(SCRATCH_TICKETS, hash, credentialId);
    return receipt;
  })();
  return { stub, receipt: await scratchReady };
}

/**
 * The stateful floor's front, in batches (figure 1) and per HTTP request
 * (figure 2) alike: the body read and parsed, one RPC to the object named,
 * a JSON response with the receipt's signature. No framework, no checks.
 * @param {BenchEnv} env
 * @param {Request} request
 * @param {string} objectId
 * @param {string} [row] the pending row to consume; else the object's next scratch ticket
 */
export async function statefulFloor(env, request, objectId, row) {
  const assertion = JSON.parse(await request.text());
  const signature = await benchVaults(env)
    .get(env.VAULT.idFromString(objectId))
    .benchStatefulFloor(assertion, env.BENCH.ticket, row);
  return new Response(JSON.stringify({ receipt: encodeB64url(signature) }), {
    headers: { 'content-type': 'application/json' },
  });
}
