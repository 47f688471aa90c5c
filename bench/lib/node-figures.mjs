/** Figures 4, 5 and 7: in Node, no servers up. */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { evidenceBench } from './evidence-bench.mjs';
import { receiptBench } from './receipt-bench.mjs';
import { widgetSize } from './widget-size.mjs';

/** Measures figures 4, 5 and 7 into `results.figures` (the library bundles built in `tmp`). */
export async function nodeFigures(results, { root, tmp, N, quick, log }) {
  const receiptLib = await import(pathToFileURL(join(tmp, 'node/receipt.mjs')).href);
  results.figures.widget = await widgetSize(root);
  log(
    `figure 5: widget.js ${results.figures.widget.raw} B raw, ${results.figures.widget.gzip} B gzip, ${results.figures.widget.brotli} B brotli`,
  );
  results.figures.receipt = await receiptBench(receiptLib, {
    rounds: N.receiptRounds,
    iterations: N.receiptIters,
  });
  const ru = results.figures.receipt.usPerCall;
  log(
    `figure 4: verifyReceipt ${ru.verifyReceipt.toFixed(1)} µs, jose jwtVerify ${ru.jose.toFixed(1)} µs (${(ru.verifyReceipt / ru.jose).toFixed(2)}×)`,
  );
  const evidenceLib = await import(pathToFileURL(join(tmp, 'node/evidence.mjs')).href);
  results.figures.evidence = await evidenceBench(
    evidenceLib,
    root,
    quick ? { rounds: 3, iterations: 50, logSize: 100_000, proofs: 200 } : {},
  );
  const eu = results.figures.evidence.usPerCall;
  const ep = results.figures.evidence.proof;
  log(
    `figure 7: verifyEvidence ${eu.verifyEvidence.toFixed(0)} µs, bare verifyAuthenticationResponse ${eu.bare.toFixed(0)} µs (${(eu.verifyEvidence / eu.bare).toFixed(2)}×), one-link custody ${eu.verifyEvidenceOneLink.toFixed(0)} µs (${(eu.verifyEvidenceOneLink / eu.bare).toFixed(2)}×); inclusion proof at ${ep.logSize} entries: ${ep.hashes} hashes, made in ${ep.makeUs.toFixed(1)} µs, verified in ${ep.verifyUs.toFixed(1)} µs`,
  );
}
