/**
 * Figure 9 (issue 25), batches, against the bench's workerd (real bundle):
 * - 9a: `POST /v1/actions` with 10,000 items against a single action, in the
 *   same run: wall time per request and workerd CPU time per request (all
 *   threads, /proc), medians over rounds.
 * - 9b: Chromium (Debian's, playwright-core): the hosted page of a
 *   10,000-item ticket, from the `GET /v1/actions/:ticket` answer (its
 *   headers, seen by the page's own fetch) to the element's `ready` state,
 *   the button enabled: the batch part loaded, every item checked and drawn.
 *   The goal is at most 300 ms.
 * - 9c: sizes: widget.js gzip (budget 15 KB) and the on-demand batch part.
 */
import { existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { median } from './load.mjs';
import { cpuTimes } from './procs.mjs';
import { TRANSFER } from './prep.mjs';

const items = (n) =>
  Array.from({ length: n }, (_, i) => ({
    type: 'wire.transfer',
    amount: `${100 + (i % 900)}.${String(i % 100).padStart(2, '0')}`,
    currency: i % 10 ? 'EUR' : 'USD',
    to: `DE89 3704 0044 ${String(i).padStart(6, '0')}`,
  }));

/** Time `count` sequential POSTs of `body`: median wall ms, and CPU ms per request over the whole batch. */
async function timePosts(client, pid, body, count) {
  const walls = [];
  const cpu0 = cpuTimes(pid).total;
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await client.must(201, '/v1/actions', { method: 'POST', server: true, body });
    walls.push(performance.now() - t0);
  }
  const cpuMs = (cpuTimes(pid).total - cpu0) / 1e6 / count;
  return { wallMs: median(walls), cpuMs };
}

export async function figureBatches({
  psea,
  SoftAuthenticator,
  enrollUser,
  pid,
  quick,
  log,
  chromiumPath = '/usr/bin/chromium',
}) {
  const user = await enrollUser(psea, SoftAuthenticator, `bench-batch-${Date.now().toString(36)}`);
  const big = JSON.stringify({
    user: { id: user.id },
    batch: { type: 'payroll.run', items: items(10_000) },
    audience: 'payments-api',
  });
  const single = { user: { id: user.id }, action: TRANSFER, audience: 'payments-api' };
  const rounds = quick ? 3 : 10;
  await timePosts(psea, pid, big, 1); // warm
  const post = {
    bodyBytes: Buffer.byteLength(big),
    batch: await timePosts(psea, pid, big, rounds),
    single: await timePosts(psea, pid, single, rounds * 5),
    rounds,
  };
  log(
    `figure 9a: POST /v1/actions, 10,000 items (${(post.bodyBytes / 1024).toFixed(0)} KiB): ${post.batch.wallMs.toFixed(0)} ms wall, ${post.batch.cpuMs.toFixed(0)} ms CPU; a single action: ${post.single.wallMs.toFixed(1)} ms wall, ${post.single.cpuMs.toFixed(1)} ms CPU`,
  );

  const widget = await (await fetch(`${psea.base}/widget.js`)).text();
  const part = await (await fetch(`${psea.base}/pages/batch.js`)).text();
  const sizes = {
    widgetGzip: gzipSync(widget, { level: 9 }).length,
    budgetGzip: 15 * 1024,
    batchPartRaw: Buffer.byteLength(part),
    batchPartGzip: gzipSync(part, { level: 9 }).length,
  };
  log(
    `figure 9c: widget.js ${sizes.widgetGzip} B gzip (budget ${sizes.budgetGzip}); batch part ${sizes.batchPartRaw} B raw, ${sizes.batchPartGzip} B gzip, loaded on demand`,
  );

  if (!existsSync(chromiumPath))
    return { post, sizes, page: { skipped: `no Chromium at ${chromiumPath}` } };
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
  });
  try {
    const runs = [];
    /** From the GET answer to the batch part's last byte: its download, inside the figure. */
    const partLoads = [];
    for (let i = 0; i < (quick ? 2 : 5); i++) {
      const { ticket } = await psea.must(201, '/v1/actions', {
        method: 'POST',
        server: true,
        body: big,
      });
      const page = await (await browser.newContext()).newPage();
      await page.addInitScript((t) => {
        const orig = window.fetch;
        window.fetch = async (...args) => {
          const res = await orig(...args);
          if (String(args[0]).endsWith(`/v1/actions/${t}`)) window.__answered = performance.now();
          return res;
        };
        new MutationObserver(() => {
          if (
            !window.__ready &&
            document.querySelector('psea-approve')?.getAttribute('state') === 'ready'
          )
            window.__ready = performance.now();
        }).observe(document, { subtree: true, attributes: true, attributeFilter: ['state'] });
      }, ticket);
      // An allowed origin (ALLOWED_ORIGINS names localhost): the page is refused on any other.
      await page.goto(`${psea.origin}/approve/${ticket}`);
      await page.locator('psea-approve[state="ready"]').waitFor({ timeout: 60_000 });
      const [total, part] = await page.evaluate(() => {
        const js = performance
          .getEntriesByType('resource')
          .find((e) => e.name.includes('/pages/batch.js'));
        return [window.__ready - window.__answered, js ? js.responseEnd - window.__answered : NaN];
      });
      runs.push(total);
      partLoads.push(part);
      await page.context().close();
    }
    const pageFigure = {
      answerToReadyMs: median(runs),
      runs,
      partLoadedMs: median(partLoads),
      goalMs: 300,
      items: 10_000,
    };
    log(
      `figure 9b: 10,000 items, GET answer → button enabled: ${pageFigure.answerToReadyMs.toFixed(0)} ms median (runs ${runs.map((r) => r.toFixed(0)).join(', ')}; the batch part's download ends ${pageFigure.partLoadedMs.toFixed(0)} ms in; goal ≤ 300 ms)`,
    );
    return { post, sizes, page: pageFigure };
  } finally {
    await browser.close();
  }
}
