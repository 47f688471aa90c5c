import { Hono } from 'hono';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { getPolicy, getSigningKeys, getVars, serviceOrigin } from '../config';
import type { AppEnv } from '../env';
import { ProblemError } from '../errors';
import { requireApiKey } from '../http/api-key';
import { idempotent } from '../http/idempotency';
import { browserCors } from '../http/browser-cors';
import { isoSeconds } from '../http/iso-seconds';
import { newTicket, openTicket, refuseUnusableTicket, ticketHash } from '../http/ticket';
import { jsonBody } from '../http/validate';
import { refuseHidingChars } from '../policy/refuse-hiding-chars';
import { readVault, writeVault } from '../vault/object-call';
import { selectRule } from '../policy/select-rule';
import { canonicalJson } from '../../packages/psea/src/internal/canonical-json';
import { hashDisplay } from '../../packages/psea/src/receipt/hash-display';
import { randomId } from '../lib/random-id';
import { sha256B64url } from '../../packages/psea/src/internal/sha256-b64url';
import { statementChallenge } from '../../packages/psea/src/receipt/statement';
import type { Statement } from '../../packages/psea/src/receipt/types';
import type { Display } from '../vault/types';
import { actionTitle } from '../../packages/psea/src/internal/action-title';
import { ActionRequest, AuthenticationResponse } from './schemas';
import { statusCaller } from '../http/status-caller';
import { waitSeconds } from '../http/wait-param';
import { actionHooks } from '../webhooks/action-hooks';
import { prepareBatch } from './batch-action';
import { refuseUnbatchedOver64KiB } from '../http/body-limits';
import { quorumFirst, verifyApproverTicket, withQuorum } from './quorum-approver';

export const actions = new Hono<AppEnv>();

const MAX_ACTION_BYTES = 16 * 1024;

/**
 * Without a display, the person sees the type as a title (`Wire transfer`) and the action's own
 * fields, as text, every one and in full: nothing signed may be left off the page. The action's
 * 16 KiB bound on its canonical form bounds this display too.
 */
export function defaultDisplay(action: Record<string, unknown> & { type: string }): Display {
  const fields = Object.entries(action)
    .filter(([key]) => key !== 'type')
    .map(([label, value]) => ({
      label,
      value: typeof value === 'string' ? value : JSON.stringify(value),
    }));
  return { title: actionTitle(action.type), fields };
}

// Server: ask for approval of one exact action; the statement fixes what the passkey will sign.
actions.post(
  '/v1/actions',
  refuseUnbatchedOver64KiB,
  requireApiKey,
  idempotent,
  jsonBody(ActionRequest),
  async (c) => {
    const body = c.req.valid('json');
    const vars = getVars(c.env);
    // A batch: the service builds the action, its display and its rule (batch-action.ts).
    const batch = body.batch ? prepareBatch(getPolicy(c.env), body.batch) : undefined;
    const action = (batch?.action ?? body.action!) as Record<string, unknown> & { type: string };
    let canonical: string;
    try {
      canonical = canonicalJson(action);
    } catch {
      throw new ProblemError('invalid_request', 'action: not representable as canonical JSON');
    }
    if (new TextEncoder().encode(canonical).length > MAX_ACTION_BYTES) {
      throw new ProblemError('invalid_request', 'action: canonical form over 16 KiB');
    }
    const rule = batch?.rule ?? selectRule(getPolicy(c.env), action);
    // The one display object that is checked, hashed, stored and served: the schema's output (defaults
    // applied, unknown members dropped) or the default display, so `dsp` covers exactly what GET returns.
    const display: Display = batch?.display ?? body.display ?? defaultDisplay(action);
    if (rule.refuseFormatChars) refuseHidingChars(rule.id, { action, display });
    const actionHash = await sha256B64url(canonical);
    let dsp: string;
    try {
      dsp = await hashDisplay(display);
    } catch {
      throw new ProblemError('invalid_request', 'display: not representable as canonical JSON');
    }
    const statement: Statement = {
      v: 1,
      iss: serviceOrigin(vars, c.req.url),
      aud: body.audience,
      sub: body.user.id,
      act: actionHash,
      dsp,
      nonce: randomId(16),
    };
    const { statusToken, hooks } = await actionHooks(c.env, body);
    const { ticket, vault } = newTicket(c.env, body.user.id);
    const input = {
      hash: await ticketHash(ticket),
      data: {
        userId: body.user.id,
        action,
        display,
        actionHash,
        statement,
        rule,
        ...(batch ? { items: batch.items.length } : {}),
      },
      ...(batch ? { items: batch.items } : {}),
      challenge: await statementChallenge(statement),
      ttlSeconds: body.ttl ?? vars.ticketTtlSeconds,
      now: Date.now(),
      hooks,
    };
    const { expiresAt } = await writeVault(c.env, vault, 'createAction', (v) =>
      v.createAction(input),
    );
    return c.json(
      {
        ticket,
        actionHash,
        dsp,
        expiresAt: isoSeconds(expiresAt),
        approveUrl: `${statement.iss}/approve/${ticket}`,
        statusToken,
      },
      201,
    );
  },
);

// Server: where an approval stands; carries the receipt once approved. An API key or this
// ticket's statusToken; `?wait=S` holds the answer in the vault until the state changes.
actions.get('/v1/actions/:ticket/status', async (c) => {
  const caller = await statusCaller(c);
  const waitMs = waitSeconds(c) * 1000;
  let opened: Awaited<ReturnType<typeof openTicket>>;
  try {
    opened = await openTicket(c.env, c.req.param('ticket'));
  } catch (err) {
    // A token is no key: it learns nothing about tickets, not even which are malformed.
    if (caller.tokenHash !== undefined)
      throw new ProblemError(
        'unauthorized',
        "a valid API key or this ticket's statusToken is required",
      );
    throw err;
  }
  const { vault, hash } = opened;
  const now = Date.now();
  return c.json(
    await readVault(c.env, vault, 'actionStatus', (v) =>
      v.actionStatus(hash, now, { ...caller, waitMs }),
    ),
  );
});

actions.use('/v1/actions/:ticket', browserCors);
actions.use('/v1/actions/:ticket/verify', browserCors);

// Browser: what the person is approving, and the request options for their passkey.
actions.get('/v1/actions/:ticket', async (c) => {
  const { vault, hash, quorumId } = await openTicket(c.env, c.req.param('ticket'));
  const now = Date.now();
  return c.json(
    await withQuorum(
      c.env,
      quorumId,
      await readVault(c.env, vault, 'actionDetails', (v) => v.actionDetails(hash, now)),
      now,
    ),
  );
});

// Browser: the signed assertion; exactly one valid submission gets the receipt.
actions.post(
  '/v1/actions/:ticket/verify',
  jsonBody(AuthenticationResponse, {
    textPlain: true,
    beforeInvalid: quorumFirst(refuseUnusableTicket('action')),
  }),
  async (c) => {
    // Fail closed before the vault checks anything: without a signing key no receipt can come of it.
    await getSigningKeys(c.env);
    const { vault, hash, quorumId } = await openTicket(c.env, c.req.param('ticket'));
    const response = c.req.valid('json') satisfies AuthenticationResponseJSON;
    // The body as posted (jsonBody read it; Hono keeps it): a byte-identical retry is told the receipt.
    const posted = await c.req.text();
    const accepted = await sha256B64url(posted);
    const now = Date.now();
    // v3: an approver's ticket of a quorum (docs/quorum.md).
    if (quorumId)
      return c.json(
        await verifyApproverTicket(c.env, vault, {
          hash,
          quorumId,
          response,
          accepted,
          posted,
          now,
        }),
      );
    return c.json(
      await writeVault(c.env, vault, 'verifyAction', (v) =>
        v.verifyAction(hash, response, now, accepted, posted),
      ),
    );
  },
);
