import { Hono } from 'hono';
import type { AuthenticatorTransport, RegistrationResponseJSON } from '@simplewebauthn/server';
import { getVars } from '../config';
import type { AppEnv } from '../env';
import { requireApiKey } from '../http/api-key';
import { browserCors } from '../http/browser-cors';
import { isoSeconds, unwrap } from '../http/outcome';
import { newTicket, openTicket, refuseUnusableTicket, ticketHash } from '../http/ticket';
import { jsonBody } from '../http/validate';
import { EnrollmentRequest, RegistrationResponse } from './schemas';

export const enroll = new Hono<AppEnv>();

// Server: issue a single-use enrollment ticket for one user.
enroll.post('/v1/enrollments', requireApiKey, jsonBody(EnrollmentRequest), async (c) => {
  const { user } = c.req.valid('json');
  const vars = getVars(c.env);
  const { ticket, vault } = newTicket(c.env, user.id);
  const { expiresAt } = unwrap(
    await vault.createEnrollment({
      hash: await ticketHash(ticket),
      user: { id: user.id, name: user.name, displayName: user.displayName ?? user.name },
      ttlSeconds: vars.ticketTtlSeconds,
      now: Date.now(),
    }),
  );
  const origin = new URL(c.req.url).origin;
  return c.json({ ticket, expiresAt: isoSeconds(expiresAt), enrollUrl: `${origin}/enroll/${ticket}` }, 201);
});

enroll.use('/v1/enrollments/:ticket', browserCors);

// Browser: creation options for the ticket's user.
enroll.get('/v1/enrollments/:ticket', async (c) => {
  const { vault, hash } = await openTicket(c.env, c.req.param('ticket'));
  return c.json(unwrap(await vault.enrollmentOptions(hash, Date.now())));
});

// Browser: the authenticator's answer; consumes the ticket on success.
enroll.post('/v1/enrollments/:ticket', jsonBody(RegistrationResponse, { textPlain: true, beforeInvalid: refuseUnusableTicket('enroll') }), async (c) => {
  const { vault, hash } = await openTicket(c.env, c.req.param('ticket'));
  const body = c.req.valid('json');
  const response = {
    ...body,
    response: { ...body.response, transports: body.response.transports as AuthenticatorTransport[] | undefined },
  } satisfies RegistrationResponseJSON;
  return c.json(unwrap(await vault.enroll(hash, response, Date.now())), 201);
});
