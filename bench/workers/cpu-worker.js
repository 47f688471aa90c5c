// @ts-check
/**
 * Bench-only Worker for figure 1 (CPU per verify, inside workerd). It is the
 * real Worker — the same Hono app and the same UserVault Durable Object,
 * bundled from worker/index.ts — plus /__bench/* routes that run N
 * iterations of one thing inside a single request:
 *
 *   POST /__bench/stash?kind=verify|verify-cold|do-verify   body: [{ ticket, body }] prepared through the real routes
 *   POST /__bench/run?kind=K&n=N                runs N iterations of K, answers { n, ok, statuses }
 *   POST /__bench/floor-prep                    body: { names, count, data }: pending rows for the floor route, answers { ids }
 *   POST /__bench/floor-route/<id>/<k>          the stateful floor per HTTP request (figure 2), consuming row k of object id
 *
 * Kinds: `verify` (the whole path: app.fetch of POST /v1/actions/:t/verify —
 * body limit, routing, CORS, zod, ticket hash, Durable Object RPC, every
 * WebAuthn check, the SQLite reads and transaction, receipt signing),
 * `verify-cold` (the same, for tickets the vault no longer holds in memory:
 * stashing them empties each vault's memory of tickets and credentials),
 * `do-verify` (only the Durable Object's verifyAction, called on its stub),
 * `floor` (floor.js), `baseline` (baseline.js), `stateful-floor` (the least
 * an exactly-once approval on a Durable Object does: body, RPC, floor, one
 * guarded UPDATE, response), `noop`, and step kinds
 * naming one part of the path (see stepOf), to say where the time goes.
 * Every step calls the Worker's own functions, imported from worker/ and
 * never copied here, so the bench measures only the code that ships; the
 * library call `webauthn-lib` and the floor are references.
 *
 * workerd's clocks only advance on I/O, so nothing is timed in here: the
 * driver times each /__bench/run request from outside (wall clock, and the
 * workerd process's CPU time from /proc) and subtracts a `noop` run.
 * Every other request goes to the real app unchanged.
 */
import { verifyAuthenticationResponse } from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import app from '../../worker/index';
export { CredentialOwner } from '../../worker/vault/credential-owners';
import { getSigningKeys, getVars } from '../../worker/config';
import { ticketHash } from '../../worker/http/ticket';
import { signReceipt } from '../../worker/receipt/sign-receipt';
import { AuthenticationResponse } from '../../worker/routes/schemas';
import { commitApproval } from '../../worker/vault/commit-approval';
import { getCredential } from '../../worker/vault/credentials';
import { loadTicket } from '../../worker/vault/tickets';
import { UserVault as RealUserVault } from '../../worker/vault/user-vault';
import { rpIdHash } from '../../worker/webauthn/bytes';
import { checkAssertion } from '../../worker/webauthn/check-assertion';
import { importCosePublicKey } from '../../worker/webauthn/cose-key';
import { verifyAssertionSignature } from '../../worker/webauthn/verify-assertion';
import { baselineState, baselineVerify } from './baseline.js';
import { receiptClaims } from './fixture.js';
import { derToRaw, floorInput, floorKeys, floorOnce } from './floor.js';
import { decodeB64url, encodeB64url } from '../../worker/receipt/base64url';

/**
 * @typedef {import('../../worker/env').Env & { BENCH: import('./fixture.js').BenchFixture }} BenchEnv
 * @typedef {import('@simplewebauthn/server').AuthenticationResponseJSON} AuthenticationResponseJSON
 * @typedef {((i: number) => Promise<number | void> | number | void) | { batch: (n: number) => Promise<number> }} Step
 */

/**
 * Pending scratch tickets made for `do-commit-real-rpc` and `stateful-floor`,
 * one per call: more than a full run uses (50 + 5 × 400 and 50 + 7 × 400).
 */
const SCRATCH_TICKETS = 8192;
const SCRATCH_CREDENTIAL = 'bench-scratch';

/**
 * The real Durable Object, plus bench-only methods that run N iterations of
 * one storage step of verifyAction inside the object (one RPC per batch).
 * The methods the Worker calls are inherited unchanged.
 */
export class UserVault extends RealUserVault {
  /** @returns {null} */
  benchPing() {
    return null;
  }

  /** Empty the object's memory of pending tickets and credentials, as if it had just started, so the next approvals read their rows (verify-cold). */
  benchForget() {
    // @ts-expect-error -- private to the Worker's code; the bench reaches in on purpose.
    this.pending.clear();
    // @ts-expect-error -- likewise.
    this.credentials.clear();
    return null;
  }

  /** Next unused scratch ticket, and how many there are. */
  #scratch = { next: 0, made: 0 };

  /**
   * N iterations of one storage step, inside the object:
   * `reads` — verifyAction's reads (`loadTicket`, `getCredential`);
   * `commit` — a write transaction of two small unguarded UPDATEs, for scale.
   * @param {'reads' | 'commit'} kind
   * @param {number} n
   * @param {string} hash a consumed ticket of this user
   * @param {string} credentialId this user's credential
   */
  benchSql(kind, n, hash, credentialId) {
    const sql = this.ctx.storage.sql;
    let rows = 0;
    for (let i = 0; i < n; i++) {
      if (kind === 'reads') {
        rows += loadTicket(sql, hash, 'action') ? 1 : 0;
        rows += getCredential(sql, credentialId) ? 1 : 0;
      } else {
        this.ctx.storage.transactionSync(() => {
          rows += sql.exec('UPDATE credentials SET last_used_at = ? WHERE id = ?', Date.now() + i, credentialId).rowsWritten;
          rows += sql.exec('UPDATE tickets SET receipt = receipt WHERE hash = ?', hash).rowsWritten;
        });
      }
    }
    return rows;
  }

  /**
   * Scratch rows for benchCommit, so real tickets and counters stay as they
   * are: `count` pending copies of a real ticket (same data, same size) and a
   * copy of a real credential at counter 0. Made once, before any timed batch.
   * @param {number} count
   * @param {string} hash a ticket of this user
   * @param {string} credentialId this user's credential
   */
  benchScratch(count, hash, credentialId) {
    const sql = this.ctx.storage.sql;
    this.ctx.storage.transactionSync(() => {
      sql.exec(
        `INSERT OR IGNORE INTO credentials (id, public_key, alg, counter, aaguid, backup_eligible, backed_up, transports, fmt,
           attested, authenticator_name, state, created_at, last_used_at)
         SELECT ?, public_key, alg, 0, aaguid, backup_eligible, backed_up, transports, fmt,
           attested, authenticator_name, 'active', created_at, last_used_at FROM credentials WHERE id = ?`,
        SCRATCH_CREDENTIAL, credentialId,
      );
      for (let k = this.#scratch.made; k < count; k++) {
        sql.exec(
          `INSERT INTO tickets (hash, kind, state, challenge, expires_at, failures, data, receipt, created_at)
           SELECT ?, kind, 'pending', challenge, expires_at, 0, data, NULL, created_at FROM tickets WHERE hash = ?`,
          `bench-scratch-${k}`, hash,
        );
      }
    });
    this.#scratch.made = Math.max(this.#scratch.made, count);
    return this.#scratch.made;
  }

  /** @type {Promise<import('./floor.js').FloorKeys> | undefined} */
  #floorKeys;

  /**
   * The object's half of the stateful floor: decode the assertion's three
   * fields, the crypto floor (floor.js), then consume one pending ticket with a
   * single guarded UPDATE, the least an exactly-once commit writes (the next
   * scratch ticket, so real tickets stay as they are).
   * @param {{ response: { clientDataJSON: string, authenticatorData: string, signature: string } }} assertion
   * @param {string} ticket the raw ticket, hashed by the floor
   * @param {string} [row] the pending row to consume (the route of figure 2's stateful floor names it); else the next scratch ticket
   * @returns {Promise<Uint8Array>} the receipt's signature
   */
  async benchStatefulFloor(assertion, ticket, row) {
    if (row === undefined && this.#scratch.next >= this.#scratch.made) throw new Error('benchStatefulFloor: out of scratch tickets (raise SCRATCH_TICKETS)');
    this.#floorKeys ??= floorKeys(/** @type {BenchEnv} */ (this.env).BENCH);
    const r = assertion.response;
    const signature = await floorOnce(await this.#floorKeys, {
      clientDataJSON: decodeB64url(r.clientDataJSON),
      authenticatorData: decodeB64url(r.authenticatorData),
      signature: derToRaw(decodeB64url(r.signature)),
      ticket: /** @type {Uint8Array<ArrayBuffer>} */ (new TextEncoder().encode(ticket)),
    });
    const consumed = this.ctx.storage.sql.exec(
      "UPDATE tickets SET state = 'consumed', receipt = 'floor' WHERE hash = ? AND state = 'pending' AND expires_at > ?",
      row ?? `bench-scratch-${this.#scratch.next++}`, Date.now(),
    ).rowsWritten;
    if (consumed !== 1) throw new Error('benchStatefulFloor: scratch ticket not consumed');
    return signature;
  }

  /**
   * Pending rows `bench-floor-0` … `bench-floor-<count − 1>` for the stateful
   * floor route (figure 2), in an object with no real ticket to copy. They
   * are named, not counted in memory: an object idle for 10 s is evicted, and
   * its memory with it. Their data is as long as a real action ticket's.
   * @param {number} count
   * @param {string} data
   */
  benchFloorTickets(count, data) {
    const sql = this.ctx.storage.sql;
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      for (let k = 0; k < count; k++) {
        sql.exec(
          `INSERT OR IGNORE INTO tickets (hash, kind, state, challenge, expires_at, failures, data, receipt, created_at)
           VALUES (?, 'action', 'pending', ?, ?, 0, ?, NULL, ?)`,
          `bench-floor-${k}`, 'A'.repeat(43), now + 3_600_000, data, now,
        );
      }
    });
    return count;
  }

  /**
   * verifyAction's commit, the real `commitApproval` (two guarded UPDATEs in
   * one transaction), on the next scratch ticket and the scratch credential
   * (counter 0 stays 0, as a synced passkey's does).
   * @param {string} receipt a real receipt, written into the ticket row as verifyAction does
   */
  benchCommit(receipt) {
    if (this.#scratch.next >= this.#scratch.made) throw new Error('benchCommit: out of scratch tickets (raise SCRATCH_TICKETS)');
    commitApproval(this.ctx.storage.sql, {
      hash: `bench-scratch-${this.#scratch.next++}`,
      now: Date.now(),
      receipt,
      credentialId: SCRATCH_CREDENTIAL,
      counter: 0,
      backedUp: false,
    });
    return 1;
  }
}

/** The namespace typed with the bench methods (the binding is this module's UserVault). */
const benchVaults = (/** @type {BenchEnv} */ env) => /** @type {DurableObjectNamespace<UserVault>} */ (/** @type {unknown} */ (env.VAULT));

/** @typedef {{ id: string, hash: string, response: AuthenticationResponseJSON }} DoItem */
/** @type {{ verify: { ticket: string, body: string }[], verifyCold: { ticket: string, body: string }[], doVerify: DoItem[] }} */
const queues = { verify: [], verifyCold: [], doVerify: [] };
const heads = { verify: 0, verifyCold: 0, doVerify: 0 };

/** @type {ReturnType<typeof load> | undefined} */
let prepared;
/** @param {BenchEnv} env */
async function load(env) {
  const fx = env.BENCH;
  const expected = { challenge: fx.challenge, rpIdHash: await rpIdHash(getVars(env).rpId), allowedOrigins: new Set([fx.origin]) };
  const publicKeyCose = /** @type {Uint8Array<ArrayBuffer>} */ (isoBase64URL.toBuffer(fx.credential.publicKeyCose));
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

/** @type {Promise<string> | undefined} a real receipt, once the scratch rows for do-commit-real-rpc and stateful-floor are made */
let scratchReady;

/**
 * The vault of a consumed verify ticket, with its scratch rows made (once):
 * `do-commit-real-rpc` and `stateful-floor` write only those.
 * @param {BenchEnv} env
 * @param {{ ticket: string, body: string }} done
 */
async function scratchVault(env, done) {
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
  await scratchReady;
  return stub;
}

/**
 * @param {string} kind
 * @param {BenchEnv} env
 * @param {ExecutionContext} ctx
 * @returns {Promise<Step | undefined>}
 */
async function stepOf(kind, env, ctx) {
  prepared ??= load(env);
  const p = await prepared;
  const fx = env.BENCH;
  const origin = fx.origin;
  /** @param {number} i */
  const pick = (i) => /** @type {AuthenticationResponseJSON} */ (fx.assertions[i % fx.assertions.length]);
  /**
   * A POST as it arrives over HTTP: with its Content-Length (the body limit
   * middleware takes a fast path on it, and re-reads the stream without it).
   * @param {string} path
   * @param {string} body
   */
  const post = (path, body) =>
    new Request(`${origin}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(new TextEncoder().encode(body).length), origin },
      body,
    });
  /** @param {Request} req */
  const fetchApp = async (req) => {
    const res = await app.fetch(req, env, ctx);
    await res.arrayBuffer();
    return res.status;
  };
  const done = heads.verify > 0 ? queues.verify[0] : undefined; // a consumed ticket, for the steps that need one

  switch (kind) {
    case 'noop':
      return () => undefined;
    case 'floor':
      return (i) => floorOnce(p.floor, /** @type {import('./floor.js').FloorInput} */ (p.inputs[i % p.inputs.length])).then(() => undefined);
    case 'baseline':
      return (i) => baselineVerify(p.baseline, pick(i)).then(() => undefined);
    case 'verify':
    case 'verify-cold': {
      const q = kind === 'verify' ? 'verify' : 'verifyCold';
      return async () => {
        const item = queues[q][heads[q]++];
        if (!item) return 599;
        return fetchApp(post(`/v1/actions/${item.ticket}/verify`, item.body));
      };
    }
    case 'do-verify':
      return async () => {
        const item = queues.doVerify[heads.doVerify++];
        if (!item) return 599;
        const vault = env.VAULT.get(env.VAULT.idFromString(item.id));
        const out = await vault.verifyAction(item.hash, item.response, Date.now(), item.hash);
        return out.ok ? 200 : 422;
      };

    // ---- steps of the path (the Worker's own functions, imported) ----
    case 'get-vars':
      return () => void getVars(env);
    case 'rp-id-hash':
      return () => rpIdHash(getVars(env).rpId).then(() => undefined);
    case 'ticket-hash':
      return () => ticketHash(fx.ticket).then(() => undefined);
    case 'zod-parse':
      return (i) => (AuthenticationResponse.safeParse(JSON.parse(/** @type {string} */ (p.bodies[i % p.bodies.length]))).success ? 200 : 400);
    case 'check-assertion':
      // Every credential-free check, as verifyAction makes them: clientData, rpIdHash, flags, the bytes decoded once.
      return (i) => void checkAssertion(pick(i), p.expected);
    case 'verify-signature':
      // The signature check verifyAction makes on the cached key: SHA-256(clientDataJSON), strict DER → r‖s, ECDSA verify.
      return (i) => verifyAssertionSignature(/** @type {import('../../worker/webauthn/check-assertion').CheckedAssertion} */ (p.checked[i % p.checked.length]), p.credentialKey);
    case 'import-cose-key':
      // importCosePublicKey of the stored COSE key: once per credential per object (the vault caches it).
      return () => importCosePublicKey(p.publicKeyCose).then(() => undefined);
    case 'ecdsa-verify':
      // SHA-256(clientDataJSON) + one ECDSA P-256 verify, key already imported.
      return async (i) => {
        const inp = /** @type {import('./floor.js').FloorInput} */ (p.inputs[i % p.inputs.length]);
        const h = new Uint8Array(await crypto.subtle.digest('SHA-256', inp.clientDataJSON));
        const signed = new Uint8Array(inp.authenticatorData.length + 32);
        signed.set(inp.authenticatorData);
        signed.set(h, inp.authenticatorData.length);
        return (await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, p.floor.verifyKey, inp.signature, signed)) ? 200 : 422;
      };
    case 'ecdsa-sign':
      return () => crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, p.floor.signKey, p.floor.signingInput).then(() => undefined);
    case 'webauthn-lib':
      // Reference: what the library's verifyAuthenticationResponse would cost in place of
      // check-assertion + verify-signature (its key as COSE bytes, imported on every call).
      return async (i) => {
        const r = await verifyAuthenticationResponse({
          response: pick(i),
          expectedChallenge: fx.challenge,
          expectedOrigin: [origin],
          expectedRPID: fx.rpId,
          requireUserVerification: true,
          credential: { id: fx.credential.id, publicKey: p.publicKeyCose, counter: 0 },
        });
        return r.verified ? 200 : 422;
      };
    case 'sign-receipt': {
      const claims = receiptClaims(fx, 'user-000123');
      return async () => {
        await signReceipt(claims, (await getSigningKeys(env)).signer);
      };
    }
    case 'app-healthz':
      // The Hono app around a trivial route.
      return () => fetchApp(new Request(`${origin}/healthz`));
    case 'unknown-ticket': {
      // The whole front of a verify (body limit, CORS, zod, ticket hash, RPC, one SELECT), ending in 404:
      // a ticket routed to a real user's object, with a secret that matches no ticket.
      if (!done) return undefined;
      const unknown = `${done.ticket.slice(0, 64)}.${fx.ticket.slice(65)}`;
      return async (i) => {
        const status = await fetchApp(post(`/v1/actions/${unknown}/verify`, /** @type {string} */ (p.bodies[i % p.bodies.length])));
        return status === 404 ? 200 : status;
      };
    }
    case 'bad-ticket':
      // The front of a verify that stops before the Durable Object: body limit, CORS, zod, ticket format → 404.
      return async (i) => {
        const status = await fetchApp(post('/v1/actions/not-a-ticket/verify', /** @type {string} */ (p.bodies[i % p.bodies.length])));
        return status === 404 ? 200 : status;
      };
    case 'post-not-found':
      // A POST with the same body to a route that does not exist: body limit + not-found only.
      return async (i) => {
        const status = await fetchApp(post('/nowhere', /** @type {string} */ (p.bodies[i % p.bodies.length])));
        return status === 404 ? 200 : status;
      };
    case 'do-status': {
      // One RPC doing one SELECT and returning a value (actionStatus of a consumed ticket).
      if (!done) return undefined;
      const hash = await ticketHash(done.ticket);
      const stub = env.VAULT.get(env.VAULT.idFromString(done.ticket.slice(0, 64)));
      return async () => ((await stub.actionStatus(hash, Date.now())).ok ? 200 : 500);
    }
    case 'do-unknown': {
      // verifyAction on the object for a ticket hash it does not have: RPC + one SELECT + a PseaError → problem.
      if (!done) return undefined;
      const stub = env.VAULT.get(env.VAULT.idFromString(done.ticket.slice(0, 64)));
      return async (i) => ((await stub.verifyAction('unknown', pick(i), Date.now(), 'bench')).ok ? 500 : 200);
    }
    case 'do-ping':
      // One JS RPC round trip to a user's Durable Object, doing nothing.
      return async () => {
        await benchVaults(env).get(env.VAULT.idFromName('cpu-user-0')).benchPing();
      };
    case 'do-commit-rpc': {
      // One RPC per write transaction of two small unguarded UPDATEs: RPC + transaction + the storage commit after it.
      if (!done) return undefined;
      const hash = await ticketHash(done.ticket);
      const credentialId = /** @type {{ id: string }} */ (JSON.parse(done.body)).id;
      const stub = benchVaults(env).get(env.VAULT.idFromString(done.ticket.slice(0, 64)));
      return async () => ((await stub.benchSql('commit', 1, hash, credentialId)) > 0 ? 200 : 500);
    }
    case 'stateful-floor': {
      // The least an exactly-once approval on Durable Objects does, whole: the request's body read
      // and parsed, one RPC to the user's object (decode, the crypto floor, one guarded UPDATE and
      // its durable commit), a JSON response. No framework, no checks beyond the signature.
      if (!done) return undefined;
      await scratchVault(env, done);
      return async (i) => {
        const req = post(`/v1/actions/${fx.ticket}/verify`, /** @type {string} */ (p.bodies[i % p.bodies.length]));
        const assertion = JSON.parse(await req.text());
        const vault = benchVaults(env).get(env.VAULT.idFromString(done.ticket.slice(0, 64)));
        const signature = await vault.benchStatefulFloor(assertion, fx.ticket);
        const res = new Response(JSON.stringify({ receipt: encodeB64url(signature) }), { headers: { 'content-type': 'application/json' } });
        await res.arrayBuffer();
        return res.status;
      };
    }
    case 'do-commit-real-rpc': {
      // One RPC per commitApproval, as verifyAction commits (on scratch rows, made once before the first batch).
      if (!done) return undefined;
      const stub = await scratchVault(env, done);
      const receipt = await /** @type {Promise<string>} */ (scratchReady);
      return async () => ((await stub.benchCommit(receipt)) > 0 ? 200 : 500);
    }
    case 'do-sql-reads':
    case 'do-sql-commit': {
      // One RPC for the whole batch: the loop runs inside the object.
      if (!done) return undefined;
      const id = done.ticket.slice(0, 64);
      const hash = await ticketHash(done.ticket);
      const credentialId = /** @type {{ id: string }} */ (JSON.parse(done.body)).id;
      const stub = benchVaults(env).get(env.VAULT.idFromString(id));
      return { batch: (n) => stub.benchSql(kind === 'do-sql-reads' ? 'reads' : 'commit', n, hash, credentialId) };
    }
    default:
      return undefined;
  }
}

export default {
  /**
   * @param {Request} request
   * @param {BenchEnv} env
   * @param {ExecutionContext} ctx
   * @returns {Promise<Response>}
   */
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (!url.pathname.startsWith('/__bench/')) return app.fetch(request, env, ctx);
    const kind = url.searchParams.get('kind') ?? '';

    if (url.pathname === '/__bench/stash') {
      const items = /** @type {{ ticket: string, body: string }[]} */ (await request.json());
      if (kind === 'verify') queues.verify.push(...items);
      else if (kind === 'verify-cold') {
        queues.verifyCold.push(...items);
        // Tickets issued long before their approval: the vault no longer holds them in memory.
        for (const id of new Set(items.map((it) => it.ticket.slice(0, 64)))) await benchVaults(env).get(env.VAULT.idFromString(id)).benchForget();
      } else if (kind === 'do-verify') {
        for (const it of items) queues.doVerify.push({ id: it.ticket.slice(0, 64), hash: await ticketHash(it.ticket), response: JSON.parse(it.body) });
      } else return new Response('unknown kind', { status: 400 });
      return Response.json({ queued: { verify: queues.verify.length - heads.verify, doVerify: queues.doVerify.length - heads.doVerify } });
    }

    // Figure 2's stateful floor, one approval per HTTP request: the batch kind `stateful-floor`,
    // unframed, on the object named in the path, consuming the pending row named there.
    const floorRoute = /^\/__bench\/floor-route\/([0-9a-f]{64})\/(\d+)$/.exec(url.pathname);
    if (floorRoute && request.method === 'POST') {
      const assertion = JSON.parse(await request.text());
      const vault = benchVaults(env).get(env.VAULT.idFromString(/** @type {string} */ (floorRoute[1])));
      const signature = await vault.benchStatefulFloor(assertion, env.BENCH.ticket, `bench-floor-${floorRoute[2]}`);
      return new Response(JSON.stringify({ receipt: encodeB64url(signature) }), { headers: { 'content-type': 'application/json' } });
    }

    if (url.pathname === '/__bench/floor-prep') {
      // Objects for the stateful floor route: for each name, `count` pending rows; answers their ids.
      const { names, count, data } = /** @type {{ names: string[], count: number, data: string }} */ (await request.json());
      const ids = [];
      for (const name of names) {
        const id = env.VAULT.idFromName(name);
        await benchVaults(env).get(id).benchFloorTickets(count, data);
        ids.push(id.toString());
      }
      return Response.json({ ids });
    }

    if (url.pathname === '/__bench/run') {
      const n = Number(url.searchParams.get('n') ?? '1');
      const run = await stepOf(kind, env, ctx);
      if (!run) return new Response(`unknown kind, or not ready: ${kind}`, { status: 400 });
      /** @type {Record<string, number>} */
      const statuses = {};
      if (typeof run === 'object') {
        const rows = await run.batch(n);
        return Response.json({ kind, n, ok: rows > 0 ? n : 0, statuses });
      }
      let ok = 0;
      for (let i = 0; i < n; i++) {
        let status;
        try {
          status = (await run(i)) ?? 200;
        } catch {
          status = 500;
        }
        if (status >= 200 && status < 300) ok++;
        else statuses[status] = (statuses[status] ?? 0) + 1;
      }
      return Response.json({ kind, n, ok, statuses });
    }
    return new Response('not found', { status: 404 });
  },
};
