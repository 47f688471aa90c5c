// npm start's process plumbing: which port it was asked for, and which processes it started.
import { execFileSync } from 'node:child_process';

/**
 * The port from `--port N` / `--port=N` (npm start -- --port N), else PORT, else 8787, and the
 * other arguments (passed on to wrangler dev). `port` is undefined when the one given is not a
 * port number.
 */
export function splitPort(argv, envPort) {
  const rest = [];
  let given = envPort === undefined || envPort === '' ? undefined : envPort;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--port') given = argv[++i] ?? '';
    else if (arg.startsWith('--port=')) given = arg.slice('--port='.length);
    else rest.push(arg);
  }
  if (given === undefined) return { port: 8787, rest };
  const port = /^\d{1,5}$/.test(given) ? Number(given) : NaN;
  return { port: port >= 1 && port <= 65535 ? port : undefined, rest };
}

/** The ids of every process below `pid` (children, their children, …), from `ps`. */
export function descendants(pid) {
  let table;
  try {
    table = execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  } catch {
    return [];
  }
  const children = new Map();
  for (const line of table.trim().split('\n')) {
    const [p, pp] = line.trim().split(/\s+/).map(Number);
    if (!children.has(pp)) children.set(pp, []);
    children.get(pp).push(p);
  }
  const out = [];
  const walk = (p) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}
