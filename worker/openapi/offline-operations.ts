/** v2: offline approvals: grants a server asks for, proofs a device brings back (docs/offline.md). */
import { ASSERTION, BODY, IDEMPOTENT, SERVER, type Operation } from './operation-model';

/** Server (API key): grants and the signed bundle a device carries. */
export const OFFLINE_GRANT_OPERATION: Operation = {
  method: 'post',
  path: '/v1/users/{id}/offline-grants',
  operationId: 'createOfflineGrants',
  audience: 'server',
  summary:
    'v2: single-use offline grants for one user, audience and list of types, and the signed bundle a device carries',
  description:
    'Each grant nonce (the user\'s vault id, then 16 random bytes) can be used once, until `ttl` seconds from now. `bundle` is a `psea-offline+jwt` signed by the receipt key, listing the user\'s active credentials. Offline proofs are accepted only for actions whose policy rule has `"offline": true`.',
  parameters: ['id', 'idempotencyKey'],
  body: { schema: 'OfflineGrantRequest' },
  answers: { 201: { description: 'The grants and the bundle', schema: 'OfflineGrants' } },
  problems: [...SERVER, ...BODY, ...IDEMPOTENT, 'not_enrolled'],
};

/** Browser (or server): the grant is the authorisation. */
export const OFFLINE_PROOF_OPERATION: Operation = {
  method: 'post',
  path: '/v1/offline-proofs',
  operationId: 'submitOfflineProof',
  audience: 'browser',
  summary:
    'v2: an offline proof; the first valid submission on a grant gets a receipt marked offline',
  description:
    'The grant is the authorisation (a server may post too). Every verify check applies but the counter, which is neither checked nor advanced. A failed proof leaves its grant unused and counts no attempt. The same proof posted again after it was accepted gets 409 `ticket_used` carrying its `receipt`.',
  body: { schema: 'OfflineProofRequest', textPlain: true },
  answers: {
    200: { description: 'The receipt (`offline: true`, `signed_at`)', schema: 'Receipt' },
  },
  problems: [
    ...BODY,
    'ticket_not_found',
    'ticket_used',
    'ticket_expired',
    'misconfigured',
    'internal_error',
    ...ASSERTION.filter((code) => code !== 'counter_regression'),
  ],
};
