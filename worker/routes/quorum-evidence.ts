/**
 * `GET /v1/quorums/:id/evidence[?since=<map>]` (server; docs/quorum.md): the
 * quorum receipt, the action and display, the quorum as hashed into `qrm`,
 * and each approval as `apv` lists it, each with its own user's log and
 * checkpoint. `since` is a URL-encoded JSON object mapping approver user ids
 * to earlier checkpoint sizes; each such approval then carries
 * `log.consistency` from its size. 409 `not_approved` until approved.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { ProblemError } from '../errors';
import { requireApiKey } from '../http/api-key';
import { userVault } from '../http/ticket';
import { readVault } from '../vault/object-call';
import { getLogSigner } from '../log-config';
import { quorumStub, readQuorum } from './quorum-calls';
import type { RecordedApproval } from '../quorum/quorum-store';
import type { QuorumRecord } from '../quorum/types';
import type { Outcome } from '../vault/types';

type EvidenceParts = { record: QuorumRecord; receipt: string; approvals: RecordedApproval[] };

export const quorumEvidence = new Hono<AppEnv>();

function sinceMap(raw: string | undefined): Record<string, number> {
  if (raw === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ProblemError(
      'invalid_request',
      'since: a JSON object of user ids to checkpoint sizes',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ProblemError(
      'invalid_request',
      'since: a JSON object of user ids to checkpoint sizes',
    );
  for (const n of Object.values(parsed))
    if (!Number.isSafeInteger(n) || (n as number) < 0)
      throw new ProblemError('invalid_request', 'since: sizes are whole numbers');
  return parsed as Record<string, number>;
}

quorumEvidence.get('/v1/quorums/:quorum/evidence', requireApiKey, async (c) => {
  await getLogSigner(c.env);
  const stub = quorumStub(c.env, c.req.param('quorum'));
  const since = sinceMap(c.req.query('since'));
  const now = Date.now();
  const { record, receipt, approvals } = await readQuorum(
    c.env,
    stub,
    'evidenceOf',
    (q) => q.evidenceOf(now) as Promise<Outcome<EvidenceParts>>,
  );
  const parts = await Promise.all(
    approvals.map((a) => {
      const req = {
        attestation: false,
        ...(Object.hasOwn(since, a.user) ? { since: since[a.user]! } : {}),
      };
      return readVault(c.env, userVault(c.env, a.user), 'approverEvidence', (v) =>
        v.approverEvidence(record.id, req, now),
      );
    }),
  );
  const quorum = { id: record.id, initiator: record.initiator, groups: record.groups };
  return c.json({
    v: 1,
    receipt,
    action: record.action,
    display: record.display,
    quorum,
    approvals: parts,
  });
});
