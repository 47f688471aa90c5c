import { Hono } from 'hono';
import type {
  AuthenticationResponseJSON,
  AuthenticatorTransport,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { getVars, serviceOrigin } from '../config';
import type { AppEnv } from '../env';
import { requireApiKey } from '../http/api-key';
import { idempotent } from '../http/idempotency';
import { browserCors } from '../http/browser-cors';
import { isoSeconds } from '../http/iso-seconds';
import { newTicket, openTicket, refuseUnusableTicket, ticketHash } from '../http/ticket';
import { jsonBody } from '../http/validate';
import { readVault, writeVault } from '../vault/object-call';
import { sha256B64url } from '../../packages/psea/src/internal/sha256-b64url';
import type { RegistrationOutcome } from '../vault/user-vault';
import { AuthenticationResponse, EnrollmentRequest, RegistrationResponse } from './schemas';

export const enroll = new Hono<AppEnv>();

// Server: issue a single-use enrollment ticket for one user (`recovery`: without an existing passkey's approval).
enroll.post(
  '/v1/enrollments',
  requireApiKey,
  idempotent,
  jsonBody(EnrollmentRequest),
  async (c) => {
    const { user, recovery } = c.req.valid('json');
    const vars = getVars(c.env);
    const { ticket, vault } = newTicket(c.env, user.id);
    const origin = serviceOrigin(vars, c.req.url);
    const input = {
      hash: await ticketHash(ticket),
      user: { id: user.id, name: user.name, displayName: user.displayName ?? user.name },
      iss: origin,
      recovery: recovery === true,
      ttlSeconds: vars.ticketTtlSeconds,
      now: Date.now(),
    };
    const { expiresAt } = await writeVault(c.env, vault, 'createEnrollment', (v) =>
      v.createEnrollment(input),
    );
    return c.json(
      { ticket, expiresAt: isoSeconds(expiresAt), enrollUrl: `${origin}/enroll/${ticket}` },
      201,
    );
  },
);

enroll.use('/v1/enrollments/:ticket', browserCors);
enroll.use('/v1/enrollments/:ticket/approve', browserCors);

// Browser: creation options for the ticket's user (and, once a credential is held, its approval).
enroll.get('/v1/enrollments/:ticket', async (c) => {
  const { vault, hash } = await openTicket(c.env, c.req.param('ticket'));
  const now = Date.now();
  return c.json(
    await readVault(c.env, vault, 'enrollmentOptions', (v) => v.enrollmentOptions(hash, now)),
  );
});

// Browser: the authenticator's answer. 201 when it enrolls; 202 when an existing passkey must approve it.
enroll.post(
  '/v1/enrollments/:ticket',
  jsonBody(RegistrationResponse, {
    textPlain: true,
    beforeInvalid: refuseUnusableTicket('enroll', 'register'),
  }),
  async (c) => {
    const { vault, hash } = await openTicket(c.env, c.req.param('ticket'));
    const body = c.req.valid('json');
    const response = {
      ...body,
      response: {
        ...body.response,
        transports: body.response.transports as AuthenticatorTransport[] | undefined,
      },
    } satisfies RegistrationResponseJSON;
    // The body as sent, hashed: a byte-identical retry after a 503 is told the first answer.
    const accepted = await sha256B64url(await c.req.text());
    const now = Date.now();
    const outcome: RegistrationOutcome = await writeVault(c.env, vault, 'enroll', (v) =>
      v.enroll(hash, response, now, accepted),
    );
    return 'pending' in outcome ? c.json(outcome, 202) : c.json(outcome, 201);
  },
);

// Browser: an active passkey of the user approves the held one; consumes the ticket on success.
enroll.post(
  '/v1/enrollments/:ticket/approve',
  jsonBody(AuthenticationResponse, {
    textPlain: true,
    beforeInvalid: refuseUnusableTicket('enroll', 'approve'),
  }),
  async (c) => {
    const { vault, hash } = await openTicket(c.env, c.req.param('ticket'));
    // The body as sent, hashed: a byte-identical retry of the accepted post gets its answer back.
    const posted = await c.req.text();
    const accepted = await sha256B64url(posted);
    const response = c.req.valid('json') satisfies AuthenticationResponseJSON;
    const now = Date.now();
    // `posted` is kept too: the chain of custody shows the approval exactly as accepted.
    return c.json(
      await writeVault(c.env, vault, 'approveEnrollment', (v) =>
        v.approveEnrollment(hash, response, now, accepted, posted),
      ),
      201,
    );
  },
);
