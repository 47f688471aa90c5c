/** v2: the evidence bundle of an approval and the user's transparency log (docs/evidence.md). */
import { SERVER, type Operation } from './operation-model';

export const EVIDENCE_OPERATIONS: readonly Operation[] = [
  {
    method: 'get',
    path: '/v1/actions/{ticket}/evidence',
    operationId: 'getEvidence',
    audience: 'server',
    summary: 'v2: the evidence bundle of an approval, checkable without trusting the service',
    description:
      'Check it with verifyEvidence (psea/evidence) or `npx psea verify` against a log key pinned beforehand. Kept EVIDENCE_TTL_DAYS (default 90) after approval.',
    parameters: ['ticket', 'since', 'attestation'],
    answers: {
      200: {
        description:
          'The bundle: receipt, action, display, statement, the assertion as accepted, the credential and its enrollment, the log entries with their proofs',
        schema: 'Evidence',
      },
    },
    problems: [...SERVER, 'invalid_request', 'ticket_not_found', 'not_found', 'not_approved'],
  },
  {
    method: 'get',
    path: '/v1/users/{id}/log',
    operationId: 'getLog',
    audience: 'server',
    summary: "v2: a page of the user's transparency log and its current checkpoint",
    parameters: ['id', 'start', 'end'],
    answers: {
      200: { description: 'The signed checkpoint and entries [start, end)', schema: 'LogPage' },
    },
    problems: [...SERVER, 'invalid_request'],
  },
  {
    method: 'get',
    path: '/v1/users/{id}/log/consistency',
    operationId: 'getLogConsistency',
    audience: 'server',
    summary: "v2: proof that the user's log only grew since an earlier size",
    parameters: ['id', 'from'],
    answers: {
      200: {
        description:
          'The current checkpoint and the RFC 9162 consistency proof from size `from` to it',
        schema: 'LogConsistency',
      },
    },
    problems: [...SERVER, 'invalid_request'],
  },
];
