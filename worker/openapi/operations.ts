/**
 * Every route the Worker serves, as the document describes it, assembled from
 * the area files (action-, offline-, evidence-, quorum-, public-operations.ts)
 * in the order the document lists them. Request bodies name the very schemas
 * the routes validate with (routes/schemas.ts); answers name the documentation
 * schemas of responses.ts. test/worker/openapi.test.ts compares this table
 * with `app.routes`, both ways, so it cannot drift.
 */
import { ACTION_OPERATIONS, CEREMONY_OPERATIONS } from './action-operations';
import { EVIDENCE_OPERATIONS } from './evidence-operations';
import { OFFLINE_GRANT_OPERATION, OFFLINE_PROOF_OPERATION } from './offline-operations';
import type { Operation } from './operation-model';
import { PUBLIC_OPERATIONS } from './public-operations';
import { QUORUM_OPERATIONS } from './quorum-operations';

export {
  REQUEST_SCHEMAS,
  type Answer,
  type Audience,
  type Operation,
  type ParameterName,
} from './operation-model';

/**
 * Mounted, not documented: the demo bank (DEMO=true only) plays an RP's own
 * backend on loopback for the demo page; it is no part of the service's
 * contract, and clients must not be generated for it.
 */
export const UNDOCUMENTED_PREFIXES: readonly string[] = ['/demo/'];

export const OPERATIONS: readonly Operation[] = [
  // ---- server (API key) ----
  ...ACTION_OPERATIONS,
  OFFLINE_GRANT_OPERATION,
  ...EVIDENCE_OPERATIONS,
  // ---- browser (the ticket is the authorisation) ----
  ...CEREMONY_OPERATIONS,
  OFFLINE_PROOF_OPERATION,
  // Copied to mutable arrays, each checked as an Operation here.
  ...QUORUM_OPERATIONS.map((o): Operation => ({
    ...o,
    problems: [...o.problems],
    parameters: 'parameters' in o ? [...o.parameters] : undefined,
  })),
  // ---- public ----
  ...PUBLIC_OPERATIONS,
];
