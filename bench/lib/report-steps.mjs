/**
 * The step table of docs/performance.md (between its bench:steps markers)
 * and the step list a run prints.
 */
import { us } from './report-format.mjs';

/** Figure 1's steps: what each costs inside workerd, measured the same way as the whole path. */
export const STEPS = [
  ['floor', 'Crypto floor: SHA-256 ×2, ECDSA P-256 verify, ECDSA P-256 sign (keys imported)'],
  ['ecdsa-verify', 'ECDSA P-256 verify + SHA-256(clientDataJSON), key already imported'],
  ['ecdsa-sign', 'ECDSA P-256 sign of a receipt-sized JWS input'],
  ['import-cose-key', '`importCosePublicKey` (once per credential per object; cached)'],
  [
    'check-assertion',
    '`checkAssertion`: clientDataJSON, rpIdHash and flag checks, bytes decoded once',
  ],
  [
    'verify-signature',
    '`verifyAssertionSignature` on the cached key (SHA-256, strict DER, ECDSA verify)',
  ],
  [
    'webauthn-lib',
    'Reference: `verifyAuthenticationResponse` (@simplewebauthn/server), key imported per call — what the library would cost in place of the two rows above',
  ],
  ['sign-receipt', '`signReceipt` (WebCrypto sign over a cached header)'],
  ['rp-id-hash', '`rpIdHash` (SHA-256(RP_ID), cached per isolate)'],
  ['ticket-hash', 'SHA-256 of the ticket'],
  ['zod-parse', 'JSON.parse + zod schema of the body'],
  ['get-vars', '`getVars` (cached per env)'],
  ['app-healthz', 'Hono app, GET /healthz'],
  ['post-not-found', 'Hono app, POST of the body to a route that does not exist'],
  ['bad-ticket', 'Front of a verify up to the ticket check (malformed ticket → 404)'],
  ['unknown-ticket', 'Front + RPC + ticket lookup (unknown ticket → 404)'],
  ['do-ping', 'Durable Object RPC round trip, empty'],
  ['do-status', 'RPC + one ticket read, result returned (`actionStatus`)'],
  ['do-unknown', 'RPC `verifyAction` on an unknown ticket (read + error result)'],
  [
    'do-sql-reads',
    "verifyAction's reads of a ticket not held in memory (`loadTicket` + `getCredential`), no RPC",
  ],
  ['do-sql-commit', 'Write transaction of two small unguarded UPDATEs, no RPC'],
  [
    'do-log-append',
    "The log's append of one `approved` entry (JCS, leaf hash, O(log n) tree nodes, the entry row) in its own transaction, no RPC",
  ],
  ['do-commit-rpc', 'RPC + two small unguarded UPDATEs + storage commit'],
  [
    'do-commit-real-rpc',
    "RPC + verifyAction's commit (`commitApproval`: one UPDATE with every guard, then the counter; the receipt into the ticket row) + storage commit",
  ],
  [
    'do-commit-floor',
    "Commit split, in the object, each its own transactionSync: the stateful floor's one guarded UPDATE",
  ],
  [
    'do-commit-guard',
    '… `consumeGuarded` instead: every guard, the receipt and the accepted hash into the row',
  ],
  ['do-commit-counter', '… + `advanceCounter`'],
  ['do-commit-log', "… + the log's `approved` entry"],
  ['do-commit-evidence', '… + `pruneEvidence` and the evidence row: the whole of `commitApproval`'],
  [
    'qr-svg',
    "The approve page's QR code of its own URL (`qrSvg`: uqr encode, eight masks scored, SVG)",
  ],
  [
    'approve-page',
    'Hosted approve page (`app.fetch` of GET /approve/:ticket, QR code included; no vault call)',
  ],
  ['baseline', 'Stateless baseline: library verify + jose sign'],
  [
    'stateful-floor',
    'Stateful floor: request body read and parsed, one RPC, in the object the three fields decoded, the crypto floor and one guarded UPDATE consuming a ticket (its commit), a JSON response',
  ],
  ['do-verify', 'Durable Object `verifyAction` over RPC'],
  ['verify-cold', "Whole verify path, ticket not held in the vault's memory (its row is read)"],
  ['verify', 'Whole verify path (`app.fetch` of POST /v1/actions/:ticket/verify)'],
];

export function stepsTable(res) {
  const m = res.figures.cpu?.medians;
  if (!m) return '';
  const lines = [
    '| step (in-isolate batches, median) | kind | CPU per call | wall per call |',
    '|---|---|---|---|',
  ];
  for (const [k, label] of STEPS)
    if (m[k]) lines.push(`| ${label} | \`${k}\` | ${us(m[k].cpuUs)} | ${us(m[k].wallUs)} |`);
  return lines.join('\n');
}
