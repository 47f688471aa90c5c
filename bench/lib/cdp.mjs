/**
 * A minimal Chrome DevTools Protocol client over the inspector WebSocket
 * (workerd's `--inspector-addr`). Node 20 has `WebSocket` only behind
 * `--experimental-websocket`: run the caller with `reexecWithWebSocket()` first.
 */
import { spawnSync } from 'node:child_process';

/** On Node 20, run this script again with the WebSocket client enabled, and exit with its status. */
export function reexecWithWebSocket() {
  if (typeof WebSocket !== 'undefined') return;
  const r = spawnSync(process.execPath, ['--experimental-websocket', '--no-warnings', ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

export async function cdp(url) {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let id = 0;
  const waiting = new Map();
  ws.onmessage = (e) => {
    const msg = JSON.parse(e.data);
    if (msg.id && waiting.has(msg.id)) {
      const { resolve, reject } = waiting.get(msg.id);
      waiting.delete(msg.id);
      if (msg.error) reject(new Error(msg.error.message));
      else resolve(msg.result);
    }
  };
  return {
    send: (method, params = {}) =>
      new Promise((resolve, reject) => {
        waiting.set(++id, { resolve, reject });
        ws.send(JSON.stringify({ id, method, params }));
      }),
    close: () => ws.close(),
  };
}
