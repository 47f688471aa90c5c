/**
 * Quorum routes (docs/quorum.md): create a quorum with one approver ticket
 * per listed user, read where it stands (API key or its statusToken, with a
 * long poll), cancel it.
 */
import { Hono } from 'hono';
import { getPolicy, getVars, serviceOrigin } from '../config';
import type { AppEnv } from '../env';
import { ProblemError } from '../errors';
import { requireApiKey } from '../http/api-key';
import { idempotent } from '../http/idempotency';
import { isoSeconds } from '../http/iso-seconds';
import { statusCaller } from '../http/status-caller';
import { jsonBody } from '../http/validate';
import { waitSeconds } from '../http/wait-param';
import { canonicalJson } from '../../packages/psea/src/internal/canonical-json';
import { randomId } from '../lib/random-id';
import { sha256B64url } from '../../packages/psea/src/internal/sha256-b64url';
import { refuseHidingChars } from '../policy/refuse-hiding-chars';
import { selectRule } from '../policy/select-rule';
import { hashDisplay } from '../../packages/psea/src/receipt/hash-display';
import { hashQuorum } from '../../packages/psea/src/receipt/quorum-hash';
import type { QuorumGroup } from '../../packages/psea/src/receipt/quorum-types';
import type { QuorumRecord } from '../quorum/types';
import { expiryOf } from '../vault/storage/tickets';
import type { Display } from '../vault/types';
import { actionHooks } from '../webhooks/action-hooks';
import { defaultDisplay } from './actions';
import { issueApproverTickets } from './quorum-tickets';
import { QuorumRequest } from './quorum-schemas';
import { quorumStub, readQuorum, writeQuorum } from './quorum-calls';

export const quorums = new Hono<AppEnv>();

const MAX_ACTION_BYTES = 16 * 1024;
const DEFAULT_QUORUM_TTL_SECONDS = 86_400;

/** The groups exactly as `qrm` hashes them: `name` members only where given, and no other member. */
function describedGroups(groups: QuorumRequest['groups']): QuorumGroup[] {
  return groups.map((g) => ({
    ...(g.name === undefined ? {} : { name: g.name }),
    users: g.users.map((u) => ({ id: u.id, ...(u.name === undefined ? {} : { name: u.name }) })),
    required: g.required,
  }));
}
type QuorumRequest = import('zod').infer<typeof QuorumRequest>;

// Server: ask several people to approve one exact action; the initiator is never one of them.
quorums.post('/v1/quorums', requireApiKey, idempotent, jsonBody(QuorumRequest), async (c) => {
  const body = c.req.valid('json');
  const vars = getVars(c.env);
  let canonical: string;
  try {
    canonical = canonicalJson(body.action);
  } catch {
    throw new ProblemError('invalid_request', 'action: not representable as canonical JSON');
  }
  if (new TextEncoder().encode(canonical).length > MAX_ACTION_BYTES)
    throw new ProblemError('invalid_request', 'action: canonical form over 16 KiB');
  const rule = selectRule(getPolicy(c.env), body.action);
  const display: Display = body.display ?? defaultDisplay(body.action);
  if (rule.refuseFormatChars) refuseHidingChars(rule.id, { action: body.action, display });
  const actionHash = await sha256B64url(canonical);
  let dsp: string;
  try {
    dsp = await hashDisplay(display);
  } catch {
    throw new ProblemError('invalid_request', 'display: not representable as canonical JSON');
  }
  const { statusToken, hooks } = await actionHooks(c.env, body);

  const id = c.env.QUORUMS.newUniqueId().toString();
  const groups = describedGroups(body.groups);
  const qrm = await hashQuorum({ id, initiator: body.initiator, groups });
  const now = Date.now();
  const ttl = body.ttl ?? DEFAULT_QUORUM_TTL_SECONDS;
  const record: QuorumRecord = {
    id,
    initiator: body.initiator,
    groups,
    action: body.action,
    display,
    actionHash,
    dsp,
    qrm,
    iss: serviceOrigin(vars, c.req.url),
    aud: body.audience,
    jti: randomId(16),
    statusTokenHash: hooks.statusTokenHash,
    expiresAt: expiryOf(now, ttl),
    createdAt: now,
    receiptTtlSeconds: vars.receiptTtlSeconds,
    ...(hooks.reference === undefined ? {} : { reference: hooks.reference }),
    ...(hooks.callbackUrl === undefined ? {} : { callbackUrl: hooks.callbackUrl }),
  };
  // The tickets first, the quorum last: until it exists, no ticket can approve anything.
  const approvers = await issueApproverTickets(c.env, record, rule, ttl, now);
  await writeQuorum(c.env, quorumStub(c.env, id), 'create', (q) => q.create(record));
  return c.json(
    {
      quorum: id,
      actionHash,
      dsp,
      expiresAt: isoSeconds(record.expiresAt),
      statusToken,
      approvers,
    },
    201,
  );
});

// Server, or the quorum's statusToken: where it stands; `?wait=S` holds the answer until it closes.
quorums.get('/v1/quorums/:quorum', async (c) => {
  const { tokenHash } = await statusCaller(c);
  const waitMs = waitSeconds(c) * 1000;
  let stub: ReturnType<typeof quorumStub>;
  try {
    stub = quorumStub(c.env, c.req.param('quorum'));
  } catch (err) {
    // A token is no key: it learns nothing about quorums, not even which ids are malformed.
    if (tokenHash !== undefined)
      throw new ProblemError(
        'unauthorized',
        "a valid API key or this quorum's statusToken is required",
      );
    throw err;
  }
  const now = Date.now();
  return c.json(await readQuorum(c.env, stub, 'status', (q) => q.status(now, tokenHash, waitMs)));
});

// Server: cancel a pending quorum; its approver tickets answer 409 quorum_closed from then on.
quorums.delete('/v1/quorums/:quorum', requireApiKey, async (c) => {
  const stub = quorumStub(c.env, c.req.param('quorum'));
  const now = Date.now();
  await writeQuorum(c.env, stub, 'cancel', (q) => q.cancel(now));
  return c.body(null, 204);
});
