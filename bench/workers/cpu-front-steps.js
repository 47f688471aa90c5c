// @ts-check
/**
 * The step table's kinds that run in the isolate: the crypto, the WebAuthn
 * checks, the receipt and the Hono front, each one part of the verify path.
 * `webauthn-lib` is a reference (what the library would cost in place of the
 * Worker's own checks); the rest call the Worker's functions.
 */
import { verifyAuthenticationResponse } from '@simplewebauthn/server';
import { getSigningKeys, getVars } from '../../worker/config';
import { qrSvg } from '../../worker/pages/handoff-qr';
import { ticketHash } from '../../worker/http/ticket';
import { signReceipt } from '../../worker/receipts/sign-receipt';
import { AuthenticationResponse } from '../../worker/routes/schemas';
import { rpIdHash } from '../../packages/psea/src/webauthn/bytes';
import { checkAssertion } from '../../packages/psea/src/webauthn/check-assertion';
import { importCosePublicKey } from '../../packages/psea/src/webauthn/cose-key';
import { verifyAssertionSignature } from '../../packages/psea/src/webauthn/verify-assertion-signature';
import { receiptClaims } from './fixture.js';

/**
 * @typedef {import('./cpu-steps.js').StepFactory} StepFactory
 * @typedef {import('./floor.js').FloorInput} FloorInput
 */

/** A request the app must answer 404; counted as a success when it does. */
const notFound = (/** @type {number} */ status) => (status === 404 ? 200 : status);

/** @type {Record<string, StepFactory>} */
export const frontSteps = {
  'get-vars': (c) => () => void getVars(c.env),
  'rp-id-hash': (c) => () => rpIdHash(getVars(c.env).rpId).then(() => undefined),
  'ticket-hash': (c) => () => ticketHash(c.fx.ticket).then(() => undefined),
  'zod-parse': (c) => (i) =>
    AuthenticationResponse.safeParse(JSON.parse(c.body(i))).success ? 200 : 400,
  // Every credential-free check, as verifyAction makes them: clientData, rpIdHash, flags, the bytes decoded once.
  'check-assertion': (c) => (i) => void checkAssertion(c.pick(i), c.p.expected),
  // The signature check verifyAction makes on the cached key: SHA-256(clientDataJSON), strict DER → r‖s, ECDSA verify.
  'verify-signature': (c) => (i) =>
    verifyAssertionSignature(
      /** @type {import('../../packages/psea/src/webauthn/check-assertion').CheckedAssertion} */ (
        c.p.checked[i % c.p.checked.length]
      ),
      c.p.credentialKey,
    ),
  // importCosePublicKey of the stored COSE key: once per credential per object (the vault caches it).
  'import-cose-key': (c) => () => importCosePublicKey(c.p.publicKeyCose).then(() => undefined),
  // SHA-256(clientDataJSON) + one ECDSA P-256 verify, key already imported.
  'ecdsa-verify': (c) => async (i) => {
    const inp = /** @type {FloorInput} */ (c.p.inputs[i % c.p.inputs.length]);
    const h = new Uint8Array(await crypto.subtle.digest('SHA-256', inp.clientDataJSON));
    const signed = new Uint8Array(inp.authenticatorData.length + 32);
    signed.set(inp.authenticatorData);
    signed.set(h, inp.authenticatorData.length);
    return (await crypto.subtle.verify(
      { name: 'ECDSA', hash: 'SHA-256' },
      c.p.floor.verifyKey,
      inp.signature,
      signed,
    ))
      ? 200
      : 422;
  },
  'ecdsa-sign': (c) => () =>
    crypto.subtle
      .sign({ name: 'ECDSA', hash: 'SHA-256' }, c.p.floor.signKey, c.p.floor.signingInput)
      .then(() => undefined),
  // Reference: the library's verifyAuthenticationResponse in place of check-assertion +
  // verify-signature (its key as COSE bytes, imported on every call).
  'webauthn-lib': (c) => async (i) => {
    const r = await verifyAuthenticationResponse({
      response: c.pick(i),
      expectedChallenge: c.fx.challenge,
      expectedOrigin: [c.fx.origin],
      expectedRPID: c.fx.rpId,
      requireUserVerification: true,
      credential: { id: c.fx.credential.id, publicKey: c.p.publicKeyCose, counter: 0 },
    });
    return r.verified ? 200 : 422;
  },
  'sign-receipt': (c) => {
    const claims = receiptClaims(c.fx, 'user-000123');
    return async () => {
      await signReceipt(claims, (await getSigningKeys(c.env)).signer);
    };
  },
  // The Hono app around a trivial route.
  'app-healthz': (c) => () => c.fetchApp(new Request(`${c.fx.origin}/healthz`)),
  // A POST with the same body to a route that does not exist: body limit + not-found only.
  'post-not-found': (c) => async (i) => notFound(await c.fetchApp(c.post('/nowhere', c.body(i)))),
  // The front of a verify that stops before the Durable Object: body limit, CORS, zod, ticket format → 404.
  'bad-ticket': (c) => async (i) =>
    notFound(await c.fetchApp(c.post('/v1/actions/not-a-ticket/verify', c.body(i)))),
  // The whole front (body limit, CORS, zod, ticket hash, RPC, one lookup), ending in 404:
  // a ticket routed to a real user's object, with a secret that matches no ticket.
  'unknown-ticket': (c) => {
    if (!c.done) return undefined;
    const unknown = `${c.done.ticket.slice(0, 64)}.${c.fx.ticket.slice(65)}`;
    return async (i) =>
      notFound(await c.fetchApp(c.post(`/v1/actions/${unknown}/verify`, c.body(i))));
  },
  // The approve page's QR code of its own URL (uqr: encode, 8 masks scored, SVG); a new ticket each call.
  'qr-svg': (c) => (i) =>
    void qrSvg(`${c.fx.origin}/approve/${c.fx.ticket.slice(0, 65)}${String(i).padStart(43, 'q')}`),
  // The whole hosted approve page (`app.fetch` of GET /approve/:ticket): headers, HTML, the QR code. No vault call.
  'approve-page': (c) => (i) =>
    c.fetchApp(
      new Request(
        `${c.fx.origin}/approve/${c.fx.ticket.slice(0, 65)}${String(i).padStart(43, 'p')}`,
      ),
    ),
};
