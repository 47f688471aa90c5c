/**
 * The table's rows for figures 4 and 7, the library's checks in Node
 * (verifyReceipt, verifyEvidence, the inclusion proof) and the log's append
 * in a verify. `add` appends one row (report.mjs).
 */
import { int, ms, us } from './report-format.mjs';

export function evidenceRows(res, add) {
  const f = res.figures;
  if (f.receipt) {
    const u = f.receipt.usPerCall;
    add(
      '4. verifyReceipt (Node), JWKS object cached',
      us(u.verifyReceipt),
      `jose jwtVerify ${us(u.jose)}`,
      u.verifyReceipt / u.jose,
      '≤ 1.2×',
      u.verifyReceipt / u.jose <= 1.2,
    );
    add(
      '4a. … with the action check (JCS + SHA-256 of the action)',
      us(u.verifyReceiptWithAction),
      `jose jwtVerify ${us(u.jose)}`,
      u.verifyReceiptWithAction / u.jose,
      '—',
      null,
    );
  }
  const cm = f.cpu?.medians;
  if (cm?.['do-log-append'] && cm.verify) {
    const share = cm['do-log-append'].cpuUs / cm.verify.cpuUs;
    add(
      "7a. The log's append in a verify (the `approved` entry, in the object's transaction)",
      us(cm['do-log-append'].cpuUs),
      `whole verify ${ms(cm.verify.cpuUs / 1000)}`,
      share,
      '≤ 10% of a verify',
      share <= 0.1,
    );
  }
  if (f.evidence) {
    const u = f.evidence.usPerCall;
    const p = f.evidence.proof;
    add(
      '7b. verifyEvidence (Node), all eight checks, receipt included, custody root first (no link)',
      us(u.verifyEvidence),
      `bare verifyAuthenticationResponse ${us(u.bare)}`,
      u.verifyEvidence / u.bare,
      '≤ 2×',
      u.verifyEvidence / u.bare <= 2,
    );
    add(
      '7b. … without jwks (the receipt check unavailable)',
      us(u.verifyEvidenceNoReceipt),
      `bare verifyAuthenticationResponse ${us(u.bare)}`,
      u.verifyEvidenceNoReceipt / u.bare,
      '—',
      null,
    );
    if (u.verifyEvidenceOneLink)
      add(
        '7b. … a one-link chain of custody (a passkey added by approval), receipt included',
        us(u.verifyEvidenceOneLink),
        `bare verifyAuthenticationResponse ${us(u.bare)}`,
        u.verifyEvidenceOneLink / u.bare,
        '—',
        null,
      );
    add(
      `7c. Inclusion proof at ${int(p.logSize)} entries: size; made from the store; verified (WebCrypto)`,
      `${p.hashes} hashes = ${p.bytes} B (${p.wireBytes} B as JSON); made ${us(p.makeUs)}; verified ${us(p.verifyUs)}`,
      '—',
      NaN,
      '≤ ⌈log2 n⌉ hashes',
      p.hashes <= Math.ceil(Math.log2(p.logSize)),
    );
  }
}
