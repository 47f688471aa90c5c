import { Hono } from 'hono';
import type { AuthenticationResponseJSON, AuthenticatorTransport, RegistrationResponseJSON } from '@simplewebauthn/server';
import { getVars, issuerFor } from '../config';
import type { AppEnv } from '../env';
import { requireApiKey } from '../http/api-key';
import { browserCors } from '../http/browser-cors';
import { isoSeconds, unwrap } from '../http/outcome';
import { newTicket, openTicket, refuseUnusableTicket, ticketHash } from '../http/ticket';
import { jsonBody } from '../http/validate';
import { sha256B64url } from '../receipt/sha256-b64url';
import type { RegistrationOutcome } from '../vault/user-vault';
import { AuthenticationResponse, EnrollmentRequest, RegistrationResponse } from './schemas';

export const enroll = new Hono<AppEnv>();

// Server: issue a single-use enrollment ticket for one user (`recovery`: without an existing passkey's approval).
enroll.post('/v1/enrollments', requireApiKey, jsonBody(EnrollmentRequest), async (c) => {
  const { user, recovery } = c.req.valid('json');
  const vars = getVars(c.env);
  const { ticket, vault } = newTicket(c.env, user.id);
  const { expiresAt } = unwrap(
    await vault.createEnrollment({
      hash: await ticketHash(ticket),
      user: { id: user.id, name: user.name, displayName: user.displayName ?? user.name },
      iss: issuerFor(vars, c.req.url),
      recovery: recovery === true,
      ttlSeconds: vars.ticketTtlSeconds,
      now: Date.now(),
    }),
  );
  const origin = new URL(c.req.url).origin;
  return c.json({ ticket, expiresAt: isoSeconds(expiresAt), enrollUrl: `${origin}/enroll/${ticket}` }, 201);
});

enroll.use('/v1/enrollments/:ticket', browserCors);
enroll.use('/v1/enrollments/:ticket/approve', browserCors);

// Browser: creation options for the ticket's user (and, once a credential is held, its approval).
enroll.get('/v1/enrollments/:ticket', async (c) => {
  const { vault, hash } = await openTicket(c.env, c.req.param('ticket'));
  return c.json(unwrap(await vault.enrollmentOptions(hash, Date.now())));
});

// Browser: the authenticator's answer. 201 when it enrolls; 202 when an existing passkey must approve it.
enroll.post(
  '/v1/enrollments/:ticket',
  jsonBody(RegistrationResponse, { textPlain: true, beforeInvalid: refuseUnusableTicket('enroll', 'register') }),
  async (c) => {
    const { vault, hash } = await openTicket(c.env, c.req.param('ticket'));
    const body = c.req.valid('json');
    const response = {
      ...body,
      response: { ...body.response, transports: body.response.transports as AuthenticatorTransport[] | undefined },
    } satisfies RegistrationResponseJSON;
    const outcome: RegistrationOutcome = unwrap(await vault.enroll(hash, response, Date.now()));
    return 'pending' in outcome ? c.json(outcome, 202) : c.json(outcome, 201);
  },
);

// Browser: an active passkey of the user approves the held one; consumes the ticket on success.
enroll.post(
  '/v1/enrollments/:ticket/approve',
  jsonBody(AuthenticationResponse, { textPlain: true, beforeInvalid: refuseUnusableTicket('enroll', 'approve') }),
  async (c) => {
    const { vault, hash } = await openTicket(c.env, c.req.param('ticket'));
    // The body as sent, hashed: a byte-identical retry of the accepted post gets its answer back.
    const accepted = await sha256B64url(await c.req.text());
    const response = c.req.valid('json') satisfies AuthenticationResponseJSON;
    return c.json(unwrap(await vault.approveEnrollment(hash, response, Date.now(), accepted)), 201);
  },
);
