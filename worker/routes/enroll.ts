import { Hono } from 'hono';
import type { AuthenticatorTransport, RegistrationResponseJSON } from '@simplewebauthn/server';
import { getVars, serviceOrigin } from '../config';
import type { AppEnv } from '../env';
import { requireApiKey } from '../http/api-key';
import { browserCors } from '../http/browser-cors';
import { isoSeconds } from '../http/outcome';
import { newTicket, openTicket, refuseUnusableTicket, ticketHash } from '../http/ticket';
import { jsonBody } from '../http/validate';
import { readVault, writeVault } from '../http/vault-call';
import { EnrollmentRequest, RegistrationResponse } from './schemas';

export const enroll = new Hono<AppEnv>();

// Server: issue a single-use enrollment ticket for one user.
enroll.post('/v1/enrollments', requireApiKey, jsonBody(EnrollmentRequest), async (c) => {
  const { user } = c.req.valid('json');
  const vars = getVars(c.env);
  const { ticket, vault } = newTicket(c.env, user.id);
  const input = {
    hash: await ticketHash(ticket),
    user: { id: user.id, name: user.name, displayName: user.displayName ?? user.name },
    ttlSeconds: vars.ticketTtlSeconds,
    now: Date.now(),
  };
  const { expiresAt } = await writeVault(c.env, vault, 'createEnrollment', (v) => v.createEnrollment(input));
  return c.json({ ticket, expiresAt: isoSeconds(expiresAt), enrollUrl: `${serviceOrigin(vars, c.req.url)}/enroll/${ticket}` }, 201);
});

enroll.use('/v1/enrollments/:ticket', browserCors);

// Browser: creation options for the ticket's user.
enroll.get('/v1/enrollments/:ticket', async (c) => {
  const { vault, hash } = await openTicket(c.env, c.req.param('ticket'));
  const now = Date.now();
  return c.json(await readVault(c.env, vault, 'enrollmentOptions', (v) => v.enrollmentOptions(hash, now)));
});

// Browser: the authenticator's answer; consumes the ticket on success.
enroll.post('/v1/enrollments/:ticket', jsonBody(RegistrationResponse, { textPlain: true, beforeInvalid: refuseUnusableTicket('enroll') }), async (c) => {
  const { vault, hash } = await openTicket(c.env, c.req.param('ticket'));
  const body = c.req.valid('json');
  const response = {
    ...body,
    response: { ...body.response, transports: body.response.transports as AuthenticatorTransport[] | undefined },
  } satisfies RegistrationResponseJSON;
  const now = Date.now();
  return c.json(await writeVault(c.env, vault, 'enroll', (v) => v.enroll(hash, response, now)), 201);
});
