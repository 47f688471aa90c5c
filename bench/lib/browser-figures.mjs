/**
 * Figures 9 and 6, in Chromium: each skipped with `--no-browser`, and a
 * failure kept in its row (`skipped: failed: …`), not thrown.
 */
import { roundTrips } from './round-trips.mjs';

/** `batches` is run.mjs's runner of figure 9. */
export async function browserFigures(results, { noBrowser, batches, ports, apiKey, log }) {
  // ---- figure 9: batches (issue 25) ----
  if (noBrowser) results.figures.batches = { skipped: '--no-browser' };
  else
    results.figures.batches = await batches().catch((err) => ({
      skipped: `failed: ${err.message.split('\n')[0]}`,
    }));

  // ---- figure 6: round trips, in Chromium ----
  if (noBrowser) results.figures.roundTrips = { skipped: '--no-browser' };
  else {
    try {
      results.figures.roundTrips = await roundTrips({
        psea: { port: ports.psea },
        proxyPort: ports.proxy,
        hostPort: ports.host,
        apiKey,
      });
      const rt = results.figures.roundTrips;
      if (rt.skipped) log(`figure 6 skipped: ${rt.skipped}`);
      else
        log(
          `figure 6: click → psea-approved: hosted ${rt.hosted.requests} request(s) [${rt.hosted.serviceRequests.join(', ')}], embedded ${rt.embedded.requests} [${rt.embedded.serviceRequests.join(', ')}]`,
        );
    } catch (err) {
      results.figures.roundTrips = { skipped: `failed: ${err.message.split('\n')[0]}` };
      log(`figure 6 failed: ${err.message}`);
    }
  }
}
