/** Child processes (workerd, wrangler dev), loopback ports, and a process's CPU time from /proc. */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * CPU time (ns) of `pid` so far, from /proc/<pid>/task/<tid>/schedstat (first
 * field, nanoseconds on CPU, user and kernel): `main` is the main thread,
 * where workerd runs its event loop and every isolate; `total` adds the other
 * threads (V8's background compiler and GC, the runtime's I/O threads).
 */
export function cpuTimes(pid) {
  let total = 0;
  let main = NaN;
  let tasks;
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return { main: NaN, total: NaN };
  }
  for (const tid of tasks) {
    try {
      const ns = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      total += ns;
      if (Number(tid) === pid) main = ns;
    } catch {
      // thread exited
    }
  }
  return { main, total };
}

/** Children still running: ended, by process group, however this process exits. */
const running = new Set();
process.on('exit', () => {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** Start a child in its own process group; `stop()` ends exactly that group. */
export function start(cmd, args, opts = {}) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...opts });
  running.add(child.pid);
  child.once('exit', () => running.delete(child.pid));
  let output = '';
  child.stdout.on('data', (d) => (output = (output + d).slice(-20000)));
  child.stderr.on('data', (d) => (output = (output + d).slice(-20000)));
  const exited = new Promise((r) => child.once('exit', r));
  return {
    child,
    pid: child.pid,
    log: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        return;
      }
      const done = await Promise.race([
        exited.then(() => true),
        new Promise((r) => setTimeout(() => r(false), 5000)),
      ]);
      if (!done) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // gone
        }
        await exited;
      }
    },
  };
}

/** Poll `url` until it answers 2xx (bounded). */
export async function waitFor(url, proc, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null)
      throw new Error(`process exited with ${proc.child.exitCode}:\n${proc.log()}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer in ${timeoutMs / 1000} s:\n${proc.log()}`);
}
