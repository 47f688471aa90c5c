/**
 * A second load generator for figure 3's cross-check: `connections` loops of
 * Node's own fetch (undici, keep-alive), each sending its next verify as soon
 * as the previous answer is read, timed per request with performance.now().
 * It is not a faster autocannon; it is a different client, so a tail that
 * shows under one and not the other is the client's, not the server's.
 * Tickets must belong to users without a counter (no per-user ordering here).
 */
import { runSummary } from './load.mjs';
import { cpuTimes } from './procs.mjs';

/**
 * @param {{ url: string, connections: number, items: Array<{ ticket: string, body: string }>, headers: Record<string, string>, pid?: number }} o
 */
export async function fetchLoad(o) {
  const latencies = [];
  const statuses = {};
  const receipts = new Map();
  let next = 0;
  const cpu0 = o.pid ? cpuTimes(o.pid) : undefined;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: o.connections }, async () => {
      for (let i = next++; i < o.items.length; i = next++) {
        const item = o.items[i];
        const start = performance.now();
        const res = await fetch(`${o.url}/v1/actions/${item.ticket}/verify`, {
          method: 'POST',
          headers: o.headers,
          body: item.body,
        });
        const text = await res.text();
        latencies.push(performance.now() - start);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status === 200) receipts.set(item.ticket, JSON.parse(text).receipt);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu1 = o.pid ? cpuTimes(o.pid) : undefined;
  return {
    ...runSummary({
      connections: o.connections,
      latencies,
      statuses,
      seconds,
      errors: 0,
      cpu0,
      cpu1,
    }),
    receipts,
  };
}
