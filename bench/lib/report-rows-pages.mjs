/**
 * The table's rows for what a browser loads and sends: batches (figure 9),
 * widget.js's size (5) and the requests from click to receipt (6).
 * `add` appends one row (report.mjs).
 */
import { kb, ms } from './report-format.mjs';

export function pageRows(res, add) {
  const f = res.figures;
  const bt = f.batches;
  if (bt && !bt.skipped) {
    const p = bt.post;
    add(
      '9a. `POST /v1/actions` with a batch of 10,000 items: wall; workerd CPU per request',
      `${ms(p.batch.wallMs)} wall, ${ms(p.batch.cpuMs)} CPU`,
      `a single action: ${ms(p.single.wallMs)} wall, ${ms(p.single.cpuMs)} CPU`,
      p.batch.cpuMs / p.single.cpuMs,
      '—',
      null,
    );
    if (bt.page && !bt.page.skipped)
      add(
        '9b. 10,000 items in Chromium: from the GET answer to the button enabled (median)',
        ms(bt.page.answerToReadyMs),
        '—',
        NaN,
        '≤ 300 ms',
        bt.page.answerToReadyMs <= 300,
      );
    add(
      '9c. The batch part (`/pages/batch.js`), loaded on demand',
      `${kb(bt.sizes.batchPartGzip)} gzip (${kb(bt.sizes.batchPartRaw)} raw)`,
      `widget.js ${kb(bt.sizes.widgetGzip)} gzip`,
      NaN,
      '—',
      null,
    );
  }
  if (f.widget) {
    const w = f.widget;
    add(
      '5. widget.js size',
      `${kb(w.gzip)} gzip (${kb(w.raw)} raw, ${kb(w.brotli)} brotli)`,
      `budget ${kb(w.budgetGzip)} gzip`,
      w.gzip / w.budgetGzip,
      '≤ 15 KB gzip',
      w.gzip <= w.budgetGzip,
    );
  }
  const rt = f.roundTrips;
  if (rt && !rt.skipped) {
    for (const [key, label] of [
      ['hosted', 'hosted page, same origin'],
      ['embedded', 'embedded on a host page, cross-origin'],
    ]) {
      const x = rt[key];
      add(
        `6. Requests from click to receipt (${label})`,
        `${x.requests}: ${x.serviceRequests.join(' + ')}`,
        '—',
        NaN,
        '1',
        x.receipt && x.requests === 1,
      );
    }
  } else if (rt)
    add('6. Requests from click to receipt', `not measured: ${rt.skipped}`, '—', NaN, '1', null);
}
