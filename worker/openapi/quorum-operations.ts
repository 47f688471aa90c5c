/** The quorum routes, as the document describes them (docs/quorum.md). */
const SERVER = ['unauthorized', 'misconfigured', 'internal_error', 'unavailable'] as const;

/** Typed where operations.ts spreads them into OPERATIONS (no import back: no circle). */
export const QUORUM_OPERATIONS = [
  {
    method: 'post',
    path: '/v1/quorums',
    operationId: 'createQuorum',
    audience: 'server',
    summary: 'v3: ask several people to approve one exact action; the initiator never approves',
    description:
      '1 to 5 groups, all of which must be met, each of 1 to 20 users with `required` from 1 to its size; a user id at most once across groups, at most 20 in all, never the initiator. `action`, `display`, `audience`, `reference`, `callbackUrl` as for POST /v1/actions (`batch` is refused); `ttl` 60 to 604800 s, default 86400. One action ticket per listed user, each expiring with the quorum; give each ticket to its person only. 409 `not_enrolled` names every listed user without an active credential.',
    parameters: ['idempotencyKey'],
    body: { schema: 'QuorumRequest' },
    answers: {
      201: {
        description: 'The quorum, its statusToken and one approver ticket each',
        schema: 'QuorumCreated',
      },
    },
    problems: [
      ...SERVER,
      'invalid_request',
      'payload_too_large',
      'not_enrolled',
      'idempotency_mismatch',
      'idempotency_in_progress',
    ],
  },
  {
    method: 'get',
    path: '/v1/quorums/{quorum}',
    operationId: 'getQuorum',
    audience: 'server',
    summary: 'v3: where a quorum stands; carries the quorum receipt once approved',
    description:
      "An API key or this quorum's `statusToken`. With `wait=S`, answers as soon as the quorum is no longer `pending`, or after S seconds.",
    parameters: ['quorum', 'wait'],
    answers: {
      200: { description: 'The state, each group and who approved it', schema: 'QuorumStatus' },
    },
    problems: [...SERVER, 'invalid_request', 'quorum_not_found'],
  },
  {
    method: 'get',
    path: '/v1/quorums/{quorum}/evidence',
    operationId: 'getQuorumEvidence',
    audience: 'server',
    summary:
      "v3: a quorum's evidence: its receipt, the action, and each approval with its own user's log",
    description:
      '`since`: a URL-encoded JSON object mapping approver user ids to earlier checkpoint sizes; each such approval then carries `log.consistency` from its size. 409 `not_approved` until approved.',
    parameters: ['quorum', 'quorumSince'],
    answers: {
      200: {
        description:
          'The bundle: receipt, action, display, quorum and approvals (statement, assertion, credential, log)',
        schema: 'QuorumEvidence',
      },
    },
    problems: [...SERVER, 'invalid_request', 'quorum_not_found', 'not_approved', 'not_found'],
  },
  {
    method: 'delete',
    path: '/v1/quorums/{quorum}',
    operationId: 'cancelQuorum',
    audience: 'server',
    summary:
      'v3: cancel a pending quorum; every approver ticket answers 409 quorum_closed from then on',
    parameters: ['quorum'],
    answers: { 204: { description: 'Cancelled' } },
    problems: [...SERVER, 'quorum_not_found', 'quorum_closed'],
  },
] as const;
