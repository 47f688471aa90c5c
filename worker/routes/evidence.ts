/**
 * Evidence and the transparency log (docs/api.md): a user's log and its
 * consistency proofs, an approval's evidence bundle (server routes, API key),
 * and the log's verifier keys (public). Every route that signs a checkpoint
 * fails closed on a missing or malformed LOG_SIGNING_KEY before the vault.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { ProblemError } from '../errors';
import { requireApiKey } from '../http/api-key';
import { openTicket, userVault } from '../http/ticket';
import { readVault } from '../vault/object-call';
import { getLogSigner, getLogVerifierKeys } from '../log-config';
import { UserId } from './schemas';

export const evidence = new Hono<AppEnv>();

function userId(raw: string): string {
  const parsed = UserId.safeParse(raw);
  if (!parsed.success) throw new ProblemError('invalid_request', 'id: 1 to 128 characters');
  return parsed.data;
}

/** A query parameter that must be a whole number (decimal, no sign or leading zero), or absent. */
function count(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^(0|[1-9][0-9]{0,15})$/.test(raw) || !Number.isSafeInteger(Number(raw)))
    throw new ProblemError('invalid_request', `${name}: a whole number`);
  return Number(raw);
}

// Server: a page of the user's log (end exclusive, at most 1,000 entries) and its checkpoint.
evidence.get('/v1/users/:id/log', requireApiKey, async (c) => {
  await getLogSigner(c.env);
  const id = userId(c.req.param('id'));
  const start = count(c.req.query('start'), 'start') ?? 0;
  const end = count(c.req.query('end'), 'end');
  return c.json(
    await readVault(c.env, userVault(c.env, id), 'readLog', (v) => v.readLog(id, start, end)),
  );
});

// Server: the consistency proof from the caller's earlier size to the current checkpoint.
evidence.get('/v1/users/:id/log/consistency', requireApiKey, async (c) => {
  await getLogSigner(c.env);
  const id = userId(c.req.param('id'));
  const from = count(c.req.query('from'), 'from');
  if (from === undefined) throw new ProblemError('invalid_request', 'from: required');
  return c.json(
    await readVault(c.env, userVault(c.env, id), 'logConsistency', (v) =>
      v.logConsistency(id, from),
    ),
  );
});

// Server: proof of an approval that needs no trust in the service (verifyEvidence, npx psea verify).
evidence.get('/v1/actions/:ticket/evidence', requireApiKey, async (c) => {
  await getLogSigner(c.env);
  const { vault, hash, quorumId } = await openTicket(c.env, c.req.param('ticket'));
  // An approver's ticket has no evidence of its own: its quorum's evidence holds its approval.
  if (quorumId) throw new ProblemError('ticket_not_found');
  const since = count(c.req.query('since'), 'since');
  const flag = c.req.query('attestation');
  if (flag !== undefined && flag !== '0' && flag !== '1')
    throw new ProblemError('invalid_request', 'attestation: 1 or 0');
  const req = { ...(since === undefined ? {} : { since }), attestation: flag === '1' };
  const now = Date.now();
  return c.json(await readVault(c.env, vault, 'evidence', (v) => v.evidence(hash, req, now)));
});

// Public: the log's verifier keys, current first, one a line. Verifiers pin one out of band.
evidence.get('/.well-known/psea-log-key', async (c) => {
  const keys = await getLogVerifierKeys(c.env);
  return c.body(`${keys.join('\n')}\n`, 200, {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'public, max-age=300',
    'access-control-allow-origin': '*',
  });
});
