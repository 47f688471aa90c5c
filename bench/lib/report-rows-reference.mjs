/**
 * The table's `ref.` rows: verify with the SQLite files on disk, verify that
 * finds its object evicted, and verify behind `wrangler dev`.
 * `add` appends one row (report.mjs).
 */
import { int, ms, rps } from './report-format.mjs';

export function referenceRows(res, add) {
  const f = res.figures;
  const s = f.load?.summaries;
  const d = f.disk;
  if (d && s) {
    for (const [c, x] of [
      [1, d.c1],
      [16, d.c16],
    ]) {
      add(
        `ref. Verify with the SQLite files on this VM's disk (fsync per commit), concurrency ${c}`,
        rps(x),
        `${res.storage}: ${int(s[`full c=${c}`].rps)} req/s, p50 ${ms(s[`full c=${c}`].p50)}`,
        x.rps / s[`full c=${c}`].rps,
        '—',
        null,
      );
    }
  }
  const ev = f.evicted;
  if (ev?.evictedSummary) {
    const e = ev.evictedSummary;
    const w = ev.inMemorySummary;
    add(
      `ref. Verify that finds its object evicted (its user idle ${ev.waitMs / 1000} s; Cloudflare evicts an idle object after 10 s), concurrency 1`,
      `${ms(e.cpuMsPerRequest)} CPU per request; ${int(e.rps)} req/s, p50 ${ms(e.p50)}, p99 ${ms(e.p99)}`,
      `object in memory, same users: ${ms(w.cpuMsPerRequest)} CPU per request, p50 ${ms(w.p50)}`,
      e.cpuMsPerRequest / w.cpuMsPerRequest,
      '—',
      null,
    );
  }
  const wd = f.wranglerDev;
  if (wd && !wd.skipped && s) {
    add(
      'ref. Verify behind `wrangler dev`, concurrency 16 (reference only)',
      rps(wd.verify),
      `workerd direct ${int(s['full c=16'].rps)} req/s`,
      wd.verify.rps / s['full c=16'].rps,
      '—',
      null,
    );
    add(
      'ref. /healthz behind `wrangler dev`, concurrency 16',
      `${int(wd.healthz.rps)} req/s`,
      `workerd direct ${int(s['healthz c=16'].rps)} req/s`,
      wd.healthz.rps / s['healthz c=16'].rps,
      '—',
      null,
    );
  } else if (wd) add('ref. `wrangler dev`', `not measured: ${wd.skipped}`, '—', NaN, '—', null);
}
