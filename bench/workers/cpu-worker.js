// @ts-check
/**
 * Bench-only Worker for figure 1 (CPU per verify, inside workerd). It is the
 * real Worker — the same Hono app and the same UserVault Durable Object,
 * bundled from worker/index.ts — plus /__bench/* routes that run N
 * iterations of one thing inside a single request:
 *
 *   POST /__bench/stash?kind=verify|do-verify   body: [{ ticket, body }] prepared through the real routes
 *   POST /__bench/run?kind=K&n=N                runs N iterations of K, answers { n, ok, statuses }
 *
 * Kinds: `verify` (the whole path: app.fetch of POST /v1/actions/:t/verify —
 * body limit, routing, CORS, zod, ticket hash, Durable Object RPC, every
 * WebAuthn check, the SQLite reads and transaction, receipt signing),
 * `do-verify` (only the Durable Object's verifyAction, called on its stub),
 * `floor` (floor.js), `baseline` (baseline.js), `noop`, and step kinds
 * naming one part of the path (see stepOf), to say where the time goes.
 *
 * workerd's clocks only advance on I/O, so nothing is timed in here: the
 * driver times each /__bench/run request from outside (wall clock, and the
 * workerd process's CPU time from /proc) and subtracts a `noop` run.
 * Every other request goes to the real app unchanged.
 */
import { verifyAuthenticationResponse } from '@simplewebauthn/server';
import { isoBase64URL, isoCBOR } from '@simplewebauthn/server/helpers';
import app from '../../worker/index';
import { getSigningKeys, getVars } from '../../worker/config';
import { ticketHash } from '../../worker/http/ticket';
import { signReceipt } from '../../worker/receipt/sign-receipt';
import { AuthenticationResponse } from '../../worker/routes/schemas';
import { PseaError } from '../../worker/errors';
import { checkRequirement } from '../../worker/policy/check-credential';
import { randomId } from '../../worker/receipt/random-id';
import { facts, getCredential } from '../../worker/vault/credentials';
import { assertUsable, loadTicket } from '../../worker/vault/tickets';
import { UserVault as RealUserVault } from '../../worker/vault/user-vault';
import { checkAuthenticatorData, decodeAuthenticatorData } from '../../worker/webauthn/authenticator-data';
import { b64urlField, sha256 } from '../../worker/webauthn/bytes';
import { checkClientData, decodeClientData } from '../../worker/webauthn/client-data';
import { baselineState, baselineVerify } from './baseline.js';
import { receiptClaims } from './fixture.js';
import { derToRaw, floorInput, floorKeys, floorOnce } from './floor.js';

/**
 * @typedef {import('../../worker/env').Env & { BENCH: import('./fixture.js').BenchFixture }} BenchEnv
 * @typedef {import('@simplewebauthn/server').AuthenticationResponseJSON} AuthenticationResponseJSON
 * @typedef {((i: number) => Promise<number | void> | number | void) | { batch: (n: number) => Promise<number> }} Step
 */

const enc = new TextEncoder();
/** @type {Map<string, Promise<Uint8Array<ArrayBuffer>>>} */
const rpIdHashes = new Map();
/** @param {string} rpId */
function rpIdHash(rpId) {
  let h = rpIdHashes.get(rpId);
  if (!h) rpIdHashes.set(rpId, (h = sha256(rpId)));
  return h;
}

/** @param {Uint8Array<ArrayBuffer>} cose an EC2 P-256 COSE key */
function importEs256(cose) {
  const map = /** @type {Map<number, Uint8Array>} */ (isoCBOR.decodeFirst(cose));
  const b64 = (/** @type {number} */ label) => isoBase64URL.fromBuffer(/** @type {Uint8Array<ArrayBuffer>} */ (map.get(label)));
  return crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: b64(-2), y: b64(-3) }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
}

/**
 * The columns a re-check needs, shaped as assertUsable takes them.
 * @param {SqlStorage} sql
 * @param {string} hash
 */
function ticketState(sql, hash) {
  const row = sql.exec('SELECT state, expires_at FROM tickets WHERE hash = ?', hash).toArray()[0];
  if (!row) throw new PseaError('ticket_not_found');
  return /** @type {import('../../worker/vault/types').TicketRow} */ (/** @type {unknown} */ (row));
}

/** @type {Map<string, string>} */
const jwsHeaders = new Map();
/**
 * A compact JWS (ES256) of the claims, header encoded once per key.
 * @param {object} claims
 * @param {{ kid: string, alg: string, key: CryptoKey }} signer
 */
async function signJws(claims, signer) {
  let header = jwsHeaders.get(signer.kid);
  if (!header) jwsHeaders.set(signer.kid, (header = isoBase64URL.fromUTF8String(JSON.stringify({ alg: signer.alg, kid: signer.kid, typ: 'psea-receipt+jwt' }))));
  const input = `${header}.${isoBase64URL.fromUTF8String(JSON.stringify(claims))}`;
  const sig = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, signer.key, enc.encode(input));
  return `${input}.${isoBase64URL.fromBuffer(new Uint8Array(sig))}`;
}

/**
 * The real Durable Object, plus bench-only methods that run N iterations of
 * one part of verifyAction inside the object (one RPC per batch). The
 * methods the Worker calls are inherited unchanged.
 */
export class UserVault extends RealUserVault {
  /** @returns {null} */
  benchPing() {
    return null;
  }

  /** Imported credential keys, by credential id (a credential's key never changes). @type {Map<string, Promise<CryptoKey>>} */
  #keys = new Map();
  /** @type {string | undefined} */
  #handle;

  /**
   * A prototype, bench only: verifyAction with the changes the step table
   * suggests, to measure what they would save in the same run. Same checks in
   * the same order and the same storage transaction; different: the
   * signature checked with WebCrypto directly on a cached key (every other
   * check the library makes is already made above it), the receipt signed as
   * a compact JWS directly, SHA-256(RP_ID) and the user handle cached, and
   * the two re-checks read only the columns they need. ES256 credentials only.
   * @param {string} hash
   * @param {AuthenticationResponseJSON} response
   * @param {number} now
   */
  benchVerifyLean(hash, response, now) {
    const sql = this.ctx.storage.sql;
    // @ts-expect-error -- private in TypeScript, a plain method at run time
    return /** @type {Promise<import('../../worker/vault/types').Outcome<{ receipt: string }>>} */ (this.ceremony(hash, 'action', now, async (/** @type {import('../../worker/vault/types').TicketRow} */ row) => {
      const vars = getVars(this.env);
      const data = /** @type {import('../../worker/vault/types').ActionTicketData} */ (JSON.parse(row.data));
      checkClientData(decodeClientData(response.response.clientDataJSON), { type: 'webauthn.get', challenge: row.challenge, allowedOrigins: vars.allowedOrigins });
      const authBytes = b64urlField(response.response.authenticatorData, 'response.authenticatorData');
      const authData = decodeAuthenticatorData(authBytes, 'response.authenticatorData');
      checkAuthenticatorData(authData, await rpIdHash(vars.rpId));

      const cred = response.id === response.rawId ? getCredential(sql, response.id) : undefined;
      if (!cred) throw new PseaError('credential_unknown');
      const userHandle = response.response.userHandle;
      // @ts-expect-error -- private in TypeScript
      this.#handle ??= /** @type {string} */ (this.userHandle());
      if (userHandle !== undefined && userHandle !== this.#handle) throw new PseaError('credential_unknown', "userHandle is not this user's");
      if (cred.state !== 'active') throw new PseaError('credential_revoked');
      if (authData.flags.be !== !!cred.backup_eligible) throw new PseaError('flags_invalid', 'BE differs from enrollment');
      checkRequirement(data.rule.require, facts(cred));

      if (cred.alg !== -7) throw new Error('benchVerifyLean: ES256 credentials only');
      let key = this.#keys.get(cred.id);
      if (!key) {
        key = importEs256(new Uint8Array(/** @type {ArrayBuffer} */ (cred.public_key)));
        this.#keys.set(cred.id, key);
      }
      const cdHash = new Uint8Array(await crypto.subtle.digest('SHA-256', b64urlField(response.response.clientDataJSON, 'response.clientDataJSON')));
      const signed = new Uint8Array(authBytes.length + 32);
      signed.set(authBytes);
      signed.set(cdHash, authBytes.length);
      let valid = false;
      try {
        valid = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, await key, derToRaw(b64urlField(response.response.signature, 'response.signature')), signed);
      } catch {
        valid = false;
      }
      if (!valid) throw new PseaError('signature_invalid');
      const newCounter = authData.counter;

      assertUsable(ticketState(sql, hash), now);
      const iat = Math.floor(now / 1000);
      const claims = {
        iss: data.statement.iss,
        sub: data.statement.sub,
        aud: data.statement.aud,
        iat,
        exp: iat + vars.receiptTtlSeconds,
        jti: randomId(16),
        act: data.actionHash,
        act_type: data.action.type,
        nonce: data.statement.nonce,
        uv: true,
        cred: {
          id: cred.id,
          aaguid: cred.aaguid,
          device_bound: !cred.backup_eligible,
          backed_up: authData.flags.bs,
          attested: !!cred.attested,
          ...(cred.authenticator_name ? { name: cred.authenticator_name } : {}),
        },
        pol: data.rule.id,
      };
      const receipt = await signJws(claims, (await getSigningKeys(this.env)).signer);

      assertUsable(ticketState(sql, hash), now);
      const current = /** @type {{ state: string, counter: number } | undefined} */ (sql.exec('SELECT state, counter FROM credentials WHERE id = ?', cred.id).toArray()[0]);
      if (!current || current.state !== 'active') throw new PseaError('credential_revoked');
      if ((newCounter > 0 || current.counter > 0) && newCounter <= current.counter) {
        sql.exec("UPDATE credentials SET state = 'locked' WHERE id = ?", cred.id);
        throw new PseaError('counter_regression');
      }
      this.ctx.storage.transactionSync(() => {
        sql.exec('UPDATE credentials SET counter = ?, backed_up = ?, last_used_at = ? WHERE id = ?', newCounter, authData.flags.bs ? 1 : 0, now, cred.id);
        sql.exec("UPDATE tickets SET state = 'consumed', receipt = ? WHERE hash = ?", receipt, hash);
      });
      return { receipt };
    }));
  }

  /**
   * N iterations of one storage step of verifyAction, inside the object:
   * `reads` — its five reads as written (3 × SELECT * of the ticket, 2 × of the credential);
   * `read-full` / `read-narrow` — one ticket read, SELECT * (data and receipt included) or only
   *   the state and expiry a re-check needs;
   * `commit` — a write transaction of two small UPDATEs;
   * `commit-real` — verifyAction's commit as written (credential UPDATE, ticket UPDATE with the
   *   receipt), on a scratch copy of a real ticket row, so real tickets stay as they are.
   * @param {'reads' | 'read-full' | 'read-narrow' | 'commit' | 'commit-real'} kind
   * @param {number} n
   * @param {string} hash a consumed ticket of this user
   * @param {string} credentialId this user's credential
   */
  benchSql(kind, n, hash, credentialId) {
    const sql = this.ctx.storage.sql;
    let rows = 0;
    if (kind === 'commit-real' && !sql.exec("SELECT 1 FROM tickets WHERE hash = 'bench-scratch'").toArray().length) {
      sql.exec(
        `INSERT INTO tickets (hash, kind, state, challenge, expires_at, failures, data, receipt, created_at)
         SELECT 'bench-scratch', kind, 'pending', challenge, expires_at, failures, data, NULL, created_at FROM tickets WHERE hash = ?`,
        hash,
      );
    }
    const receipt = kind === 'commit-real' ? String(loadTicket(sql, hash, 'action').receipt) : '';
    for (let i = 0; i < n; i++) {
      if (kind === 'reads') {
        for (let k = 0; k < 3; k++) rows += loadTicket(sql, hash, 'action') ? 1 : 0;
        for (let k = 0; k < 2; k++) rows += getCredential(sql, credentialId) ? 1 : 0;
      } else if (kind === 'read-full') {
        rows += sql.exec('SELECT * FROM tickets WHERE hash = ?', hash).toArray().length;
      } else if (kind === 'read-narrow') {
        rows += sql.exec('SELECT state, expires_at FROM tickets WHERE hash = ?', hash).toArray().length;
      } else if (kind === 'commit') {
        this.ctx.storage.transactionSync(() => {
          rows += sql.exec('UPDATE credentials SET last_used_at = ? WHERE id = ?', Date.now() + i, credentialId).rowsWritten;
          rows += sql.exec('UPDATE tickets SET receipt = receipt WHERE hash = ?', hash).rowsWritten;
        });
      } else {
        this.ctx.storage.transactionSync(() => {
          rows += sql.exec('UPDATE credentials SET counter = counter, backed_up = ?, last_used_at = ? WHERE id = ?', 0, Date.now() + i, credentialId).rowsWritten;
          rows += sql.exec("UPDATE tickets SET state = 'consumed', receipt = ? WHERE hash = 'bench-scratch'", receipt).rowsWritten;
        });
      }
    }
    return rows;
  }
}

/** The namespace typed with the bench methods (the binding is this module's UserVault). */
const benchVaults = (/** @type {BenchEnv} */ env) => /** @type {DurableObjectNamespace<UserVault>} */ (/** @type {unknown} */ (env.VAULT));

/** @typedef {{ id: string, hash: string, response: AuthenticationResponseJSON }} DoItem */
/** @type {{ verify: { ticket: string, body: string }[], doVerify: DoItem[], lean: DoItem[] }} */
const queues = { verify: [], doVerify: [], lean: [] };
const heads = { verify: 0, doVerify: 0, lean: 0 };

/** @type {ReturnType<typeof load> | undefined} */
let prepared;
/** @param {BenchEnv} env */
async function load(env) {
  const fx = env.BENCH;
  return {
    floor: await floorKeys(fx),
    inputs: fx.assertions.map((a) => floorInput(a, fx.ticket)),
    baseline: await baselineState(fx),
    bodies: fx.assertions.map((a) => JSON.stringify(a)),
    rpIdHash: await sha256(getVars(env).rpId),
  };
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
      return async () => {
        const item = queues.verify[heads.verify++];
        if (!item) return 599;
        return fetchApp(post(`/v1/actions/${item.ticket}/verify`, item.body));
      };
    case 'do-verify':
      return async () => {
        const item = queues.doVerify[heads.doVerify++];
        if (!item) return 599;
        const vault = env.VAULT.get(env.VAULT.idFromString(item.id));
        const out = await vault.verifyAction(item.hash, item.response, Date.now());
        return out.ok ? 200 : 422;
      };
    case 'do-verify-lean':
      // The prototype of UserVault.benchVerifyLean, called the same way as do-verify.
      return async () => {
        const item = queues.lean[heads.lean++];
        if (!item) return 599;
        const out = await benchVaults(env).get(env.VAULT.idFromString(item.id)).benchVerifyLean(item.hash, item.response, Date.now());
        return out.ok ? 200 : 422;
      };

    // ---- steps of the path ----
    case 'get-vars':
      return () => void getVars(env);
    case 'sha256-rpid':
      return () => sha256(getVars(env).rpId).then(() => undefined);
    case 'ticket-hash':
      return () => ticketHash(fx.ticket).then(() => undefined);
    case 'zod-parse':
      return (i) => (AuthenticationResponse.safeParse(JSON.parse(/** @type {string} */ (p.bodies[i % p.bodies.length]))).success ? 200 : 400);
    case 'checks':
      // The Worker's own checks before the library: clientData, authData, rpIdHash.
      return (i) => {
        const a = pick(i);
        checkClientData(decodeClientData(a.response.clientDataJSON), { type: 'webauthn.get', challenge: fx.challenge, allowedOrigins: new Set([origin]) });
        checkAuthenticatorData(decodeAuthenticatorData(b64urlField(a.response.authenticatorData, 'x'), 'x'), p.rpIdHash);
      };
    case 'import-key':
      // What the library does on every verify: import the credential's public key.
      return () => crypto.subtle.importKey('jwk', fx.credential.publicKeyJwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']).then(() => undefined);
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
      // verifyAuthenticationResponse alone, as the vault calls it (key as COSE bytes).
      return async (i) => {
        const r = await verifyAuthenticationResponse({
          response: pick(i),
          expectedChallenge: fx.challenge,
          expectedOrigin: [origin],
          expectedRPID: fx.rpId,
          requireUserVerification: true,
          credential: { id: fx.credential.id, publicKey: isoBase64URL.toBuffer(fx.credential.publicKeyCose), counter: 0 },
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
      return async (i) => ((await stub.verifyAction('unknown', pick(i), Date.now())).ok ? 500 : 200);
    }
    case 'do-ping':
      // One JS RPC round trip to a user's Durable Object, doing nothing.
      return async () => {
        await benchVaults(env).get(env.VAULT.idFromName('cpu-user-0')).benchPing();
      };
    case 'do-commit-rpc':
    case 'do-commit-real-rpc': {
      // One RPC per write transaction, as verify commits: RPC + transaction + the storage commit after it.
      if (!done) return undefined;
      const hash = await ticketHash(done.ticket);
      const credentialId = /** @type {{ id: string }} */ (JSON.parse(done.body)).id;
      const stub = benchVaults(env).get(env.VAULT.idFromString(done.ticket.slice(0, 64)));
      const what = kind === 'do-commit-rpc' ? 'commit' : 'commit-real';
      return async () => ((await stub.benchSql(what, 1, hash, credentialId)) > 0 ? 200 : 500);
    }
    case 'do-sql-reads':
    case 'do-read-full':
    case 'do-read-narrow':
    case 'do-sql-commit': {
      // One RPC for the whole batch: the loop runs inside the object.
      if (!done) return undefined;
      const id = done.ticket.slice(0, 64);
      const hash = await ticketHash(done.ticket);
      const credentialId = /** @type {{ id: string }} */ (JSON.parse(done.body)).id;
      const stub = benchVaults(env).get(env.VAULT.idFromString(id));
      /** @type {Record<string, 'reads' | 'read-full' | 'read-narrow' | 'commit'>} */
      const what = { 'do-sql-reads': 'reads', 'do-read-full': 'read-full', 'do-read-narrow': 'read-narrow', 'do-sql-commit': 'commit' };
      return { batch: (n) => stub.benchSql(/** @type {'reads'} */ (what[kind]), n, hash, credentialId) };
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
      else if (kind === 'do-verify' || kind === 'do-verify-lean') {
        const queue = kind === 'do-verify' ? queues.doVerify : queues.lean;
        for (const it of items) queue.push({ id: it.ticket.slice(0, 64), hash: await ticketHash(it.ticket), response: JSON.parse(it.body) });
      } else return new Response('unknown kind', { status: 400 });
      return Response.json({ queued: { verify: queues.verify.length - heads.verify, doVerify: queues.doVerify.length - heads.doVerify, lean: queues.lean.length - heads.lean } });
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
