/** How many of everything each figure measures: `--quick`'s smoke counts, or a full run's. */

/**
 * Counts per figure. A run is bounded by these and by HARD_LIMIT_MS (lifetime.mjs).
 * @param {boolean} quick
 */
export function countsFor(quick) {
  return quick
    ? {
        users: 100,
        evicted: 50,
        evictedRounds: 1,
        cpuUsers: 6,
        cpuRounds: 3,
        cpuVerifyN: 40,
        cpuCryptoN: 100,
        microN: 100,
        microRounds: 3,
        loadRounds: 1,
        c1: 100,
        c16: 200,
        c64: 200,
        warm: 100,
        hot: 200,
        hotRounds: 1,
        emptyN: 500,
        receiptRounds: 3,
        receiptIters: 300,
        wdTickets: 100,
        wdEmpty: 300,
      }
    : {
        users: 1000,
        evicted: 300,
        evictedRounds: 2,
        cpuUsers: 24,
        cpuRounds: 7,
        cpuVerifyN: 150,
        cpuCryptoN: 400,
        microN: 400,
        microRounds: 5,
        loadRounds: 3,
        c1: 300,
        c16: 1200,
        c64: 1200,
        warm: 400,
        hot: 800,
        hotRounds: 3,
        emptyN: 3000,
        receiptRounds: 9,
        receiptIters: 1000,
        wdTickets: 600,
        wdEmpty: 2000,
      };
}
